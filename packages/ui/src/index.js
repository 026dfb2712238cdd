// The page shell every Edgeworks web page shares. Plain JavaScript (typed by index.d.ts) so that both a
// Worker (TypeScript) and a page's Node build script (e.g. workers/chat/web/build.mjs) can import it.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** @param {string} text */
export const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);

/** @param {import("./index.js").PageShellOptions} options */
export function pageShell(options) {
  const { title, header = "", main, lang = "en", stylesheets = [], scripts = [], mainLabel } = options;
  const links = stylesheets.map((href) => `    <link rel="stylesheet" href="${escapeHtml(href)}" />`);
  // modules are deferred: they run after the document is parsed, so a script may look up any element
  const modules = scripts.map((src) => `    <script type="module" src="${escapeHtml(src)}"></script>`);
  const label = mainLabel ? ` aria-label="${escapeHtml(mainLabel)}"` : "";
  return [
    "<!doctype html>",
    `<html lang="${escapeHtml(lang)}">`,
    "  <head>",
    '    <meta charset="utf-8" />',
    '    <meta name="viewport" content="width=device-width, initial-scale=1" />',
    '    <meta name="color-scheme" content="light dark" />',
    `    <title>${escapeHtml(title)}</title>`,
    '    <link rel="icon" href="data:," />',
    ...links,
    ...modules,
    "  </head>",
    "  <body>",
    '    <a class="ui-skip-link" href="#main">Skip to main content</a>',
    `    <header class="ui-header">${header}</header>`,
    `    <main id="main" class="ui-main" tabindex="-1"${label}>${main}</main>`,
    "  </body>",
    "</html>",
    "",
  ].join("\n");
}
