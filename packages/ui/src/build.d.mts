/** A page's index.html; `<!-- @edgeworks/ui:sign-in -->` marks where the shared sign-in view goes. */
export type PageTemplate = string;

/** What {@link buildPage} builds. */
export interface BuildPageOptions {
  /** The page's source folder: app.ts, style.css, header.html, index.html. */
  web: string;
  /** The generated module, e.g. `<worker>/src/web/dist/assets.ts` (git-ignored). */
  out: string;
  /** The URL prefix without slashes: the page is served at `/<prefix>/`, its files under it. */
  prefix: string;
  /** The document title. */
  title: string;
  /** The Worker's folder name, for the generated file's header. */
  worker: string;
  /** The doc comment of the generated `PAGE`, e.g. "The page at /chat/." */
  pageDoc: string;
}

/**
 * The page's index.html with the shared parts filled in: `<!-- @edgeworks/ui:sign-in -->` becomes the
 * shared sign-in view (src/sign-in.html: the notice, the polite announcer and the login/register form).
 */
export function pageTemplate(template: PageTemplate): string;

/**
 * Bundles and minifies `app.ts` and `style.css`, wraps header.html and index.html in `pageShell`, and writes
 * the module (PAGE, ASSETS with content-hashed names and strong ETags) only if its content changed, so a
 * running `pnpm dev` reloads only on a real change.
 *
 * @example buildPage({ web: WEB, out: OUT, prefix: "jobs", title: "Edgeworks Jobs", worker: "jobs", pageDoc: "The dashboard at /jobs/." })
 */
export function buildPage(options: BuildPageOptions): { changed: boolean; out: string };

/** What {@link runBuildCli} runs. */
export interface BuildCliOptions {
  build: () => { changed: boolean; out: string };
  /** Watched for changes with `--watch`. */
  web: string;
  argv?: string[];
}

/** A build.mjs run as a script: build once (exit code 1 on failure), or with `--watch` rebuild on every change. */
export function runBuildCli(options: BuildCliOptions): void;
