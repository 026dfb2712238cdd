// Markdown → sanitised HTML. markdown-it escapes raw HTML (html: false) and refuses javascript:/vbscript:/
// file: links itself; sanitize-html then enforces an allow-list of tags, attributes and URL schemes, so the
// output is safe even if one of the two had a gap. Both load on first use (await import) so other routes
// stay fast.

/** Where attachment links of a note point; the public page rewrites them to its token route. */
export const ATTACHMENT_PATH = /^\/notes\/v1\/attachments\/([A-Za-z0-9_-]{1,64})$/;

export interface RenderOptions {
  /** Rewrites `/notes/v1/attachments/{id}` URLs (used by the public page); default: kept. */
  attachmentUrl?: (attachmentId: string) => string;
}

let renderer: Promise<(markdown: string) => string> | undefined;

const loadRenderer = async () => {
  const { default: MarkdownIt } = await import("markdown-it");
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
  return (markdown: string) => md.render(markdown);
};

const ALLOWED_TAGS = [
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "p",
  "br",
  "hr",
  "blockquote",
  "pre",
  "code",
  "em",
  "strong",
  "s",
  "del",
  "ul",
  "ol",
  "li",
  "a",
  "img",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "sup",
  "sub",
];

/** The note's Markdown as an HTML fragment with no script, no event handlers and only http(s)/mailto links. */
export async function renderMarkdown(markdown: string, options: RenderOptions = {}): Promise<string> {
  renderer ??= loadRenderer();
  const [render, { default: sanitize }] = await Promise.all([renderer, import("sanitize-html")]);
  const rewrite = (url: string | undefined): string | undefined => {
    const id = url === undefined ? undefined : ATTACHMENT_PATH.exec(url)?.[1];
    return id !== undefined && options.attachmentUrl ? options.attachmentUrl(id) : url;
  };
  return sanitize(render(markdown), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ["href", "title", "rel"],
      img: ["src", "alt", "title", "loading"],
      ol: ["start"],
      th: ["style"],
      td: ["style"],
      code: ["class"],
    },
    allowedStyles: { th: { "text-align": [/^(left|right|center)$/] }, td: { "text-align": [/^(left|right|center)$/] } },
    allowedClasses: { code: [/^language-[A-Za-z0-9_+-]{1,32}$/] },
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["http", "https"] },
    allowProtocolRelative: false,
    disallowedTagsMode: "discard",
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener noreferrer nofollow" } }),
      img: (tagName, attribs) => {
        const src = rewrite(attribs.src);
        return { tagName, attribs: { ...attribs, ...(src === undefined ? {} : { src }), loading: "lazy" } };
      },
    },
    allowedSchemesAppliedToAttributes: ["href", "src"],
  });
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

/** A standalone page around a rendered fragment (the public link's /html). */
export const htmlPage = (title: string, body: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
</head>
<body>
<article>
<h1>${escapeHtml(title)}</h1>
${body}
</article>
</body>
</html>`;

/**
 * Headers for rendered HTML: a CSP that forbids every script (a second wall behind the sanitiser), no
 * sniffing, no framing.
 */
export const HTML_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy":
    "default-src 'none'; img-src 'self' https: http:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
} as const;
