import { axeViolations, launchChromium } from "@edgeworks/testing/browser";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGatewayWeb } from "../web/build.mjs";
import { adminFor, devUrl, eventually, gw, slugOf } from "./harness";
import { startUpstream, type Upstream } from "./upstream";

// The dashboard at /gateway/ in a real Chromium (Debian's /usr/bin/chromium through playwright-core): traffic
// through /gw/<slug>/… (some of it failing), its logs through the queue into D1, then the page: log in, pick
// the workspace, the last hour's totals, the three charts drawn, the target's row; no console errors (the
// strict CSP included), no axe-core WCAG A/AA violations logged out and in, light and dark.
const PASSWORD = "correct horse battery staple";
export function dashboardSuite(): void {
  describe("the dashboard (e2e/dashboard.ts)", () => {
    let browser: Browser;
    let upstream: Upstream;
    let email: string;
    let slug: string;

    beforeAll(async () => {
      buildGatewayWeb();
      browser = await launchChromium();
      upstream = await startUpstream("dash");
      email = `gw-dash-${Date.now().toString(36)}@example.com`;
      const res = await fetch(`${devUrl()}/auth/v1/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      expect(res.status).toBe(201);
      const admin = adminFor(((await res.json()) as { accessToken: string }).accessToken);
      slug = slugOf("dash");
      await admin.ok("POST", "/workspaces", { slug, name: "Dashboard e2e" }, 201);
      await admin.ok("PUT", `/workspaces/${slug}/config`, {
        services: [{ name: "api", targets: [{ url: upstream.url }], retries: 0 }],
        routes: [{ name: "all", paths: ["/*"], service: "api" }],
      });
      await eventually(
        "the route",
        () => gw(slug, "/warm").then((r) => r.status),
        (s) => s === 200,
        15_000,
      );
      for (let i = 0; i < 15; i++) expect((await gw(slug, `/ok/${i}`)).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await gw(slug, `/fail/${i}`, { headers: { "x-fake-status": "500" } })).status).toBe(500);
      // 20 requests (the warm-up included) reach D1 through the queue within seconds
      await eventually(
        "the logs",
        () => admin.ok<{ totals: { count: number } }>("GET", `/workspaces/${slug}/analytics`),
        (a) => a.totals.count >= 20,
        30_000,
      );
    });

    afterAll(async () => {
      await browser?.close();
      await upstream?.stop();
    });

    it("shows the last hour's totals, the charts and the target's health after logging in", async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(`${devUrl()}/gateway/`);
      await page.waitForSelector("#login-view", { state: "visible" });
      expect(await axeViolations(page)).toEqual([]);
      await page.fill('#login-form input[name="email"]', email);
      await page.fill('#login-form input[name="password"]', PASSWORD);
      await page.click('#login-form button[value="login"]');
      await page.click(`#workspaces a[href="#ws=${slug}"]`);
      await expect.poll(() => page.textContent("#workspace-title")).toBe("Dashboard e2e");
      await expect.poll(() => page.locator("#totals dd").first().textContent(), { timeout: 10_000 }).toBe("20");
      expect(await page.locator("#totals dd").nth(1).textContent()).toBe("4");
      expect(await page.locator("#requests-chart rect.requests").count()).toBeGreaterThan(0);
      expect(await page.locator("#requests-chart rect.errors").count()).toBeGreaterThan(0);
      expect(await page.locator("#error-rate-chart path.rate").count()).toBe(1);
      expect(await page.locator("#latency-chart path.p95").count()).toBe(1);
      expect(await page.locator("#health-rows tr").count()).toBe(1);
      expect(await page.locator("#health-rows tr td").nth(2).textContent()).toBe("healthy");
      // the dashboard with its charts and table, light and dark (the colour pairs differ)
      expect(await axeViolations(page)).toEqual([]);
      await page.emulateMedia({ colorScheme: "dark" });
      expect(await axeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    });
  });
}
