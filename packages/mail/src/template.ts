/** What `renderMail` lays out: a heading, paragraphs, an optional button, a footer line. */
export interface MailLayout {
  /** The first line (and the HTML `<h1>`). */
  heading: string;
  /** Plain-text paragraphs; escaped for the HTML part. */
  paragraphs: string[];
  /** A call to action; `url` comes from `mailLink`, so it points at `PUBLIC_ORIGIN`. */
  action?: { label: string; url: string };
  /** A last, quieter line, e.g. why the reader gets this email. */
  footer?: string;
}

/** The two parts of an email. */
export interface MailParts {
  text: string;
  html: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text for a one-line header such as a subject: every run of control characters (a title's line
 * break, a tab) becomes one space, so user text cannot break the line (the subject rule refuses them).
 *
 * @example oneLine("Hello\r\nworld") // "Hello world"
 */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ");
}

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example escapeHtml(`<b>"Tom" & 'Jerry'</b>`) // "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** What `publicOrigin` reads: the Worker's `PUBLIC_ORIGIN` and `DEV_MODE` vars. */
export interface PublicOriginEnv {
  PUBLIC_ORIGIN?: string;
  DEV_MODE?: string;
}

/** Where `pnpm dev` serves the front door. */
export const DEV_ORIGIN = "http://127.0.0.1:8787";

const parseUrl = (text: string): URL | undefined => {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
};

/**
 * The origin links in emails point at: `PUBLIC_ORIGIN` (the front door people use), never the origin a
 * request came to (inside Cloudflare that is a service binding's made-up host, e.g. accounts.internal).
 * Empty in dev mode means `pnpm dev`'s `http://127.0.0.1:8787`; empty otherwise throws, so a
 * misconfigured deploy fails loudly (the queue retries, then dead-letters) instead of mailing dead links.
 *
 * @example publicOrigin({ PUBLIC_ORIGIN: "https://edgeworks.example/" }) // "https://edgeworks.example"
 */
export function publicOrigin(env: PublicOriginEnv): string {
  const configured = env.PUBLIC_ORIGIN?.trim();
  if (!configured) {
    if (env.DEV_MODE === "true") return DEV_ORIGIN;
    throw new Error("PUBLIC_ORIGIN is not set: email links need the public origin of the front door");
  }
  const url = parseUrl(configured);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:"))
    throw new Error(`PUBLIC_ORIGIN is not an http(s) origin: ${configured}`);
  return url.origin;
}

/**
 * An absolute link on `origin` (from `publicOrigin`). `path` must be an absolute path on that origin
 * (`//host` or a scheme is refused, so a value from user input can never point elsewhere); encode
 * user-supplied segments with `encodeURIComponent` before passing them.
 *
 * @example mailLink("https://edgeworks.example", "/auth/verify", { token }) // "https://edgeworks.example/auth/verify?token=…"
 */
export function mailLink(origin: string, path: string, query: Record<string, string> = {}): string {
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) throw new Error(`mailLink: "${path}" is not an absolute path`);
  const url = new URL(path, origin);
  if (url.origin !== new URL(origin).origin) throw new Error(`mailLink: "${path}" leaves ${origin}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.href;
}

/**
 * The text and HTML parts of one email in the house layout. Every string is escaped in the HTML part;
 * the text part is the same content as plain lines (the link written out in full).
 *
 * @example
 * const origin = publicOrigin(env);
 * const { text, html } = renderMail({
 *   heading: "Confirm your email",
 *   paragraphs: ["Confirm that this address is yours."],
 *   action: { label: "Confirm", url: mailLink(origin, "/auth/v1/verify", { token }) },
 * });
 */
export function renderMail(layout: MailLayout): MailParts {
  const text = [
    layout.heading,
    "",
    ...layout.paragraphs.flatMap((p) => [p, ""]),
    ...(layout.action ? [`${layout.action.label}: ${layout.action.url}`, ""] : []),
    ...(layout.footer ? ["--", layout.footer, ""] : []),
  ].join("\n");
  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const action = layout.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(layout.action.url)}" style="background:#1f6feb;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(layout.action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#57606a">${escapeHtml(layout.action.url)}</p>`
    : "";
  const footer = layout.footer
    ? `<hr style="border:none;border-top:1px solid #d0d7de;margin:24px 0"><p style="font-size:13px;color:#57606a">${escapeHtml(layout.footer)}</p>`
    : "";
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(layout.heading)}</title></head>` +
    `<body style="margin:0;padding:24px;background:#f6f8fa;font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1f2328">` +
    `<div style="max-width:560px;margin:0 auto;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:24px">` +
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(layout.heading)}</h1>${layout.paragraphs.map(p).join("")}${action}${footer}</div></body></html>`;
  return { text, html };
}
