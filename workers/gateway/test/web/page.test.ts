import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../src/web/routes";

// The dashboard as served: the redirect, the strict CSP and security headers, @edgeworks/ui's shell with
// nothing inline, hashed assets cached for good and revalidated by ETag. The charts and table are drawn by web/app.ts in the browser (not run here).
const ORIGIN = "https://edge.test";
const page = async () => {
  const res = await SELF.fetch(`${ORIGIN}/gateway/`);
  expect(res.status).toBe(200);
  return { res, html: (await res.text()).replace(/<!--[\s\S]*?-->/g, "") };
};

describe("the dashboard page", () => {
  it("/gateway redirects to /gateway/", async () => {
    const res = await SELF.fetch(`${ORIGIN}/gateway`, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe("/gateway/");
  });

  it("is HTML under a strict CSP: only its own script, style and origin; no framing", async () => {
    const { res } = await page();
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("Content-Security-Policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
  });

  it("is the shared page shell with the hashed stylesheet and script, and nothing inline for the CSP to block", async () => {
    const { html } = await page();
    expect(html).toMatch(/<body>\s*<a class="ui-skip-link" href="#main">/);
    expect(html.match(/<main\b/g)).toHaveLength(1);
    expect(html).toMatch(/<link rel="stylesheet" href="\/gateway\/app\.[\w-]+\.css" \/>/);
    expect(html).toMatch(/<script type="module" src="\/gateway\/app\.[\w-]+\.js"><\/script>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)|https?:\/\//i);
  });

  it("has the dashboard's parts: sign-in, workspace picker, totals, the three charts and the health table, every input labelled", async () => {
    const { html } = await page();
    for (const id of [
      "login-form",
      "workspaces",
      "create-workspace-form",
      "totals",
      "requests-chart",
      "error-rate-chart",
      "latency-chart",
      "health",
      "health-rows",
      "refresh",
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
    for (const chart of ["requests", "error-rate", "latency"])
      expect(html).toMatch(new RegExp(`<svg id="${chart}-chart"[^>]*role="img"[^>]*aria-labelledby="${chart}-title"`));
    const labelled = new Set([...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((m) => m[1]));
    for (const m of html.matchAll(/<input\b[^>]*>/g)) {
      const id = m[0].match(/\sid="([^"]+)"/)?.[1];
      const before = html.slice(0, m.index);
      const insideLabel = before.lastIndexOf("<label") > before.lastIndexOf("</label>");
      expect(insideLabel || (id !== undefined && labelled.has(id)), m[0]).toBe(true);
    }
  });

  it("serves the script and stylesheet for a year under their hashes, with the CSP; 304 for a matching ETag", async () => {
    const { html } = await page();
    const script = html.match(/src="(\/gateway\/app\.[\w-]+\.js)"/)![1]!;
    const style = html.match(/href="(\/gateway\/app\.[\w-]+\.css)"/)![1]!;
    const js = await SELF.fetch(`${ORIGIN}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("Content-Security-Policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(await js.text()).toContain("/gateway/v1/workspaces");
    const css = await SELF.fetch(`${ORIGIN}${style}`);
    expect(css.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    expect(await css.text()).toContain("--ui-accent");
    const etag = js.headers.get("ETag")!;
    const again = await SELF.fetch(`${ORIGIN}${script}`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("an unknown asset name is 404, not the page", async () => {
    const res = await SELF.fetch(`${ORIGIN}/gateway/app.doesnotexist.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  });
});
