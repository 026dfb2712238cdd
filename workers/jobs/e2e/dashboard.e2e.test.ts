import { axeViolations, launchChromium } from "@edgeworks/testing/browser";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";
import { buildJobsWeb } from "../web/build.mjs";

// The dashboard at /jobs/ in a real Chromium (Debian's /usr/bin/chromium through playwright-core) against
// `pnpm dev`: log in through the page, see a queue's counts, watch the throughput chart move while built-in
// jobs complete, see a dead job with its error, redrive it, and pause/resume the queue, each change shown
// by the page and confirmed by the API. The page's own console must stay free of errors (the CSP included).

const PASSWORD = "correct horse battery staple";

let dev: DevServer;
let browser: Browser;
let token: string;
let email: string;

interface Queue {
  id: string;
  name: string;
  paused: boolean;
  counts: Record<string, number>;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${dev.url}/jobs/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const countOf = (page: Page, state: string) => page.locator(`#counts [data-state="${state}"] dd`);

beforeAll(async () => {
  buildJobsWeb();
  // Chromium first: without it the test fails at once, before a dev server is started for nothing
  browser = await launchChromium();
  dev = await startDev({ timeoutMs: 300_000 });
  email = `jobs-dashboard-${Date.now()}@example.com`;
  const res = await fetch(`${dev.url}/auth/v1/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, name: "Dash" }),
  });
  expect(res.status).toBe(201);
  token = ((await res.json()) as { accessToken: string }).accessToken;
});

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
});

describe("the jobs dashboard in Chromium", () => {
  it("logs in, shows counts, charts live throughput, redrives a dead job and pauses/resumes the queue", async () => {
    const created = await api<Queue>("POST", "/queues", { name: `dash-${Date.now()}`, concurrency: 4 });
    expect(created.status).toBe(201);
    const queue = created.body;
    // two waiting jobs of an external name (nothing runs them), so the counts are not all zero
    const held = await api<{ jobs: unknown[] }>("POST", `/queues/${queue.id}/jobs/bulk`, {
      jobs: [{ name: "external.report" }, { name: "external.report" }],
    });
    expect(held.status).toBe(201);

    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on("pageerror", (err) => problems.push(String(err)));

    // log in through the page (same-origin accounts API)
    await page.goto(`${dev.url}/jobs`);
    expect(page.url()).toBe(`${dev.url}/jobs/`);
    await page.waitForSelector("#login-view", { state: "visible" });
    expect(await axeViolations(page)).toEqual([]);
    await page.fill("#login-form input[name=email]", email);
    await page.fill("#login-form input[name=password]", PASSWORD);
    await page.click("#login-form button[value=login]");
    await page.waitForSelector("#dashboard-view", { state: "visible" });
    expect(await page.textContent("#whoami")).toContain(email);

    // the queue and its counts, then the live socket
    await page.getByRole("link", { name: queue.name }).click();
    await page.waitForSelector("#queue-panel", { state: "visible" });
    expect(await page.textContent("#queue-title")).toBe(queue.name);
    await page.waitForSelector("#connection[data-status=online]");
    await expect.poll(() => countOf(page, "waiting").textContent(), { timeout: 20_000 }).toBe("2");
    expect(await page.getAttribute("#chart", "data-total")).toBe("0");

    // built-in jobs complete while the page watches: the chart and the completed count move
    const burst = await api<{ jobs: unknown[] }>("POST", `/queues/${queue.id}/jobs/bulk`, {
      jobs: Array.from({ length: 24 }, () => ({ name: "test.sleep", payload: { ms: 250 } })),
    });
    expect(burst.status).toBe(201);
    await expect.poll(async () => Number(await page.getAttribute("#chart", "data-total")), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => countOf(page, "completed").textContent(), { timeout: 60_000 }).toBe("24");
    const peak = Number(await page.getAttribute("#chart", "data-max"));
    expect(peak).toBeGreaterThanOrEqual(1);
    const polyline = await page.getAttribute("#chart polyline.completed", "points");
    expect(polyline?.split(" ")).toHaveLength(60);

    // a job that fails its only attempt is dead: listed with its error; fixed and redriven, it completes
    const failing = await api<{ id: string }>("POST", `/queues/${queue.id}/jobs`, {
      name: "test.fail",
      payload: { message: "the printer is on fire", failTimes: 1 },
      attempts: 1,
    });
    expect(failing.status).toBe(201);
    const item = page.locator(`#failing li[data-id="${failing.body.id}"]`);
    await item.waitFor({ timeout: 60_000 });
    expect(await item.getAttribute("data-state")).toBe("dead");
    expect(await item.locator(".error").textContent()).toContain("the printer is on fire");
    // the dashboard with a chart and a failing job listed, every control in it
    expect(await axeViolations(page)).toEqual([]);
    // JOBS_DASHBOARD_SCREENSHOT=/path.png keeps a picture of this moment (for the README)
    if (process.env.JOBS_DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.JOBS_DASHBOARD_SCREENSHOT, fullPage: true });
    await expect.poll(() => countOf(page, "dead").textContent(), { timeout: 20_000 }).toBe("1");
    // a redrive starts the attempts over: fix the payload first (the DLQ's edit), then redrive from the page
    const fixed = await api<{ payload: unknown }>("PATCH", `/jobs/${failing.body.id}/payload`, { payload: { failTimes: 0 } });
    expect(fixed.status).toBe(200);
    await page.click("#redrive");
    await item.waitFor({ state: "detached", timeout: 60_000 });
    await expect.poll(() => countOf(page, "completed").textContent(), { timeout: 60_000 }).toBe("25");
    expect(await countOf(page, "dead").textContent()).toBe("0");
    const redriven = await api<{ state: string }>("GET", `/jobs/${failing.body.id}`);
    expect(redriven.body.state).toBe("completed");

    // a job waiting out a long backoff is listed as failed; "Retry now" runs it at once (and it completes)
    const retrying = await api<{ id: string }>("POST", `/queues/${queue.id}/jobs`, {
      name: "test.fail",
      payload: { message: "try again later", failTimes: 1 },
      attempts: 2,
      backoff: { type: "fixed", delay: 3_600_000 },
    });
    expect(retrying.status).toBe(201);
    const retryItem = page.locator(`#failing li[data-id="${retrying.body.id}"]`);
    await retryItem.waitFor({ timeout: 60_000 });
    expect(await retryItem.getAttribute("data-state")).toBe("failed");
    expect(await retryItem.locator(".error").textContent()).toContain("try again later");
    await retryItem.getByRole("button", { name: /^Retry now/ }).click();
    await retryItem.waitFor({ state: "detached", timeout: 60_000 });
    await expect.poll(() => countOf(page, "completed").textContent(), { timeout: 60_000 }).toBe("26");
    expect((await api<{ state: string }>("GET", `/jobs/${retrying.body.id}`)).body.state).toBe("completed");

    // pause: the page says so, the API agrees, and a new job waits; resume: it runs
    await page.click("#pause");
    await expect.poll(() => page.textContent("#queue-state")).toBe("paused");
    expect(await page.textContent("#pause")).toBe("Resume");
    expect((await api<Queue>("GET", `/queues/${queue.id}`)).body.paused).toBe(true);
    const parked = await api<{ id: string }>("POST", `/queues/${queue.id}/jobs`, { name: "test.sleep", payload: { ms: 1 } });
    expect(parked.status).toBe(201);
    await expect.poll(() => countOf(page, "waiting").textContent(), { timeout: 20_000 }).toBe("3");
    expect((await api<{ state: string }>("GET", `/jobs/${parked.body.id}`)).body.state).toBe("waiting");
    await page.click("#pause");
    await expect.poll(() => page.textContent("#queue-state")).toBe("running");
    expect((await api<Queue>("GET", `/queues/${queue.id}`)).body.paused).toBe(false);
    await expect.poll(() => countOf(page, "completed").textContent(), { timeout: 60_000 }).toBe("27");

    // and once more in dark mode (the colour pairs differ)
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
