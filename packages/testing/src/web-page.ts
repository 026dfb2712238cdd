import { expect, it } from "vitest";

/** What {@link pageConformance} checks a served dashboard page against. */
export interface PageConformanceOptions {
  /** The worker under test, e.g. `(url, init) => SELF.fetch(url, init)`. */
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** The page's path without the trailing slash, e.g. `/jobs`. */
  base: string;
  /** The worker's CONTENT_SECURITY_POLICY (checked against the strict one every page uses). */
  csp: string;
  /** A string the page's script must contain (one of its API paths). */
  scriptContains: string;
  /** Defaults to `https://edge.test`. */
  origin?: string;
}

const STRICT_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Registers, inside the current `describe`, the tests every @edgeworks/ui dashboard page passes: the
 * redirect to `base/`, the strict CSP and security headers, the shared shell with nothing inline, the
 * hashed assets cached for good and revalidated by ETag, and a 404 problem for an unknown asset. Returns
 * `page()` (the served page, comments stripped) for the page's own assertions.
 *
 * @example const page = pageConformance({ fetch: (u, i) => SELF.fetch(u, i), base: "/jobs", csp: CONTENT_SECURITY_POLICY, scriptContains: "/jobs/v1/queues" });
 */
export function pageConformance(options: PageConformanceOptions): () => Promise<{ res: Response; html: string }> {
  const { fetch, base, csp, scriptContains, origin = "https://edge.test" } = options;
  const name = base.replace(/^\//, "").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const page = async () => {
    const res = await fetch(`${origin}${base}/`);
    expect(res.status).toBe(200);
    return { res, html: withoutComments(await res.text()) };
  };

  it(`${base} redirects to ${base}/`, async () => {
    const res = await fetch(`${origin}${base}`, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe(`${base}/`);
  });

  it("is HTML under a strict CSP: only its own script, style and origin; no framing", async () => {
    const { res } = await page();
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("Content-Security-Policy")).toBe(csp);
    expect(csp).toBe(STRICT_CSP);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
  });

  it("is the shared page shell with the hashed stylesheet and script, and nothing inline for the CSP to block", async () => {
    const { html } = await page();
    expect(html).toMatch(/<body>\s*<a class="ui-skip-link" href="#main">/);
    expect(html.match(/<main\b/g)).toHaveLength(1);
    expect(html).toMatch(new RegExp(`<link rel="stylesheet" href="\\/${name}\\/app\\.[\\w-]+\\.css" \\/>`));
    expect(html).toMatch(new RegExp(`<script type="module" src="\\/${name}\\/app\\.[\\w-]+\\.js"><\\/script>`));
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)|https?:\/\//i);
  });

  it("serves the script and stylesheet for a year under their hashes, with the CSP; 304 for a matching ETag", async () => {
    const { html } = await page();
    const script = html.match(new RegExp(`src="(\\/${name}\\/app\\.[\\w-]+\\.js)"`))![1]!;
    const style = html.match(new RegExp(`href="(\\/${name}\\/app\\.[\\w-]+\\.css)"`))![1]!;
    const js = await fetch(`${origin}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("Content-Security-Policy")).toBe(csp);
    expect(await js.text()).toContain(scriptContains);
    const css = await fetch(`${origin}${style}`);
    expect(css.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    expect(await css.text()).toContain("--ui-accent");
    const etag = js.headers.get("ETag")!;
    const again = await fetch(`${origin}${script}`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("an unknown asset name is 404, not the page", async () => {
    const res = await fetch(`${origin}${base}/app.doesnotexist.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  });

  return page;
}

/** `html` without its `<!-- … -->` comments (a scan, not a lazy regex: linear on any input). */
function withoutComments(html: string): string {
  let out = "";
  let at = 0;
  for (let open = html.indexOf("<!--"); open !== -1; open = html.indexOf("<!--", at)) {
    out += html.slice(at, open);
    const close = html.indexOf("-->", open + 4);
    if (close === -1) return out;
    at = close + 3;
  }
  return out + html.slice(at);
}

/** Every `<input>` in `html` is inside a `<label>` or named by one's `for`. */
export function expectInputsLabelled(html: string): void {
  // [^<>]* (not [^>]*): a tag's scan ends at the next "<", so the global scans stay linear
  const labels = [...html.matchAll(/<label\b[^<>]*>/g)].map((m) => m[0].match(/\sfor="([^"]+)"/)?.[1]);
  const labelled = new Set(labels.filter((id) => id !== undefined));
  for (const m of html.matchAll(/<input\b[^<>]*>/g)) {
    const id = m[0].match(/\sid="([^"]+)"/)?.[1];
    const before = html.slice(0, m.index);
    const insideLabel = before.lastIndexOf("<label") > before.lastIndexOf("</label>");
    expect(insideLabel || (id !== undefined && labelled.has(id)), m[0]).toBe(true);
  }
}
