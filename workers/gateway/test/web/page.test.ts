import { SELF } from "cloudflare:test";
import { expectInputsLabelled, pageConformance } from "@edgeworks/testing/web-page";
import { describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../src/web/routes";

// The dashboard as served: the redirect, the strict CSP and security headers, @edgeworks/ui's shell with
// nothing inline, hashed assets cached for good and revalidated by ETag. The charts and table are drawn by web/app.ts in the browser (not run here).
// The checks every dashboard page shares are @edgeworks/testing's pageConformance; this file adds the page's own parts.
describe("the dashboard page", () => {
  const page = pageConformance({
    fetch: (url, init) => SELF.fetch(url, init),
    base: "/gateway",
    csp: CONTENT_SECURITY_POLICY,
    scriptContains: "/gateway/v1/workspaces",
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
    expectInputsLabelled(html);
  });
});
