/** What {@link pageShell} puts around a page's own markup. */
export interface PageShellOptions {
  /** The document title (escaped). */
  title: string;
  /** Trusted HTML inside `<header class="ui-header">`: a heading, a nav, the signed-in user. */
  header?: string;
  /** Trusted HTML inside `<main id="main">`, the skip link's target. */
  main: string;
  /** Defaults to `en`. */
  lang?: string;
  /** Same-origin stylesheet URLs (one of them bundles `@edgeworks/ui/ui.css`); no inline `<style>`. */
  stylesheets?: string[];
  /** Same-origin module script URLs; no inline `<script>`, so the page runs under `script-src 'self'`. */
  scripts?: string[];
  /** An accessible name for `<main>` when the page has no heading inside it. */
  mainLabel?: string;
}

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example `<h1>${escapeHtml(board.name)}</h1>`
 */
export declare function escapeHtml(text: string): string;

/**
 * A whole HTML document in the shared layout: a skip link to `<main id="main">`, a `<header>`, the
 * page's stylesheets and module scripts by URL. Nothing inline, so it works under a strict CSP
 * (`default-src 'none'; script-src 'self'; style-src 'self'`).
 *
 * @example
 * const html = pageShell({
 *   title: "Jobs",
 *   header: "<h1>Jobs</h1>",
 *   main: '<section id="queue">…</section>',
 *   stylesheets: ["/jobs/app.css"],
 *   scripts: ["/jobs/app.js"],
 * });
 */
export declare function pageShell(options: PageShellOptions): string;
