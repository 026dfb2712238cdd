/** Small HTML pages for people who open a short link in a browser. No scripts; everything escaped. */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** HTML-escapes text for element content and quoted attributes. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);

/** Headers of every page: nothing may run or frame it; the form may only post back here. */
export const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "private, no-store, max-age=0",
  "Referrer-Policy": "no-referrer",
};

const STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:15vh auto;padding:0 1rem;color:#1f2933}" +
  "h1{font-size:1.4rem}small{color:#7b8794}input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}" +
  "button{font:inherit;margin-top:.6rem;padding:.4rem 1rem}.error{color:#b42318}";

function layout(title: string, body: string, requestId: string | undefined): string {
  const ref = requestId ? `<p><small>Request id: ${escapeHtml(requestId)}</small></p>` : "";
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body}
${ref}
</body>
</html>`;
}

/** The page for a 404/410/429/…: the status, a title and the detail. */
export function errorPage(status: number, title: string, detail: string, requestId?: string): string {
  return layout(`${status} ${title}`, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(detail)}</p>`, requestId);
}

/** The password form: posts `password` back to the same URL (query string kept). */
export function passwordPage(slug: string, error: string | null, requestId?: string): string {
  const message = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : "";
  return layout(
    "Password required",
    `<h1>This link is protected</h1>
<p>Enter the password for <strong>/${escapeHtml(slug)}</strong> to continue.</p>
${message}<form method="post">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Continue</button>
</form>`,
    requestId,
  );
}
