import { SELF } from "cloudflare:test";
import { expectInputsLabelled, pageConformance } from "@edgeworks/testing/web-page";
import { describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../src/web/routes";

// The dashboard as served: the redirect, the strict CSP and security headers, @edgeworks/ui's shell with
// nothing inline, hashed assets cached for good and revalidated by ETag. The browser behaviour is in e2e/.
// The checks every dashboard page shares are @edgeworks/testing's pageConformance; this file adds the page's own parts.
describe("the dashboard page", () => {
  const page = pageConformance({
    fetch: (url, init) => SELF.fetch(url, init),
    base: "/jobs",
    csp: CONTENT_SECURITY_POLICY,
    scriptContains: "/jobs/v1/queues",
  });

  it("has the dashboard's parts: login, queues, counts, chart, failing jobs and the buttons, every input labelled", async () => {
    const { html } = await page();
    for (const id of ["login-form", "queues", "create-queue-form", "counts", "chart", "failing", "pause", "redrive", "connection"]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toMatch(/<svg id="chart"[^>]*role="img"[^>]*aria-labelledby="chart-title"/);
    expectInputsLabelled(html);
  });
});
