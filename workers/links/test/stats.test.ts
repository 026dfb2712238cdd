import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it, test } from "vitest";
import worker from "../src/index";
import { CHROME_UA, call, createLink, expectProblem, GOOGLEBOT_UA, newUser } from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function seedClicks(linkId: string, times: number[], ua = CHROME_UA) {
  const batch = createMessageBatch(
    "edgeworks-link-clicks",
    times.map((ts) => {
      const id = crypto.randomUUID();
      return {
        id,
        timestamp: new Date(),
        attempts: 1,
        body: { v: 1, id, linkId, slug: "s", ts, referrerHost: null, country: null, city: null, ua },
      };
    }),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  await getQueueResult(batch, ctx);
}

describe("GET /links/v1/links/{id}/stats", () => {
  it("has every field, a zero-filled hourly series over the last day by default", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const res = await call("GET", `/links/${link.id}/stats?interval=hour`, token);
    expect(res.status).toBe(200);
    const stats = (await res.json()) as Record<string, unknown> & { timeseries: unknown[] };
    expect(Object.keys(stats).sort()).toEqual(
      [
        "linkId",
        "from",
        "to",
        "interval",
        "clicks",
        "humans",
        "bots",
        "timeseries",
        "referrers",
        "countries",
        "cities",
        "devices",
        "browsers",
        "os",
      ].sort(),
    );
    expect(stats).toMatchObject({ linkId: link.id, interval: "hour", clicks: 0, humans: 0, bots: 0, referrers: [], os: [] });
    expect(stats.timeseries.length).toBeGreaterThanOrEqual(24);
    expect(stats.timeseries.length).toBeLessThanOrEqual(25);
    expect(stats.timeseries[0]).toEqual({ time: stats.from, clicks: 0, humans: 0, bots: 0 });
  });

  it("counts per day within an explicit range", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const day0 = Date.UTC(2026, 0, 10);
    await seedClicks(link.id, [day0 + HOUR, day0 + 5 * HOUR, day0 + DAY + 2 * HOUR, day0 + 3 * DAY]);
    await seedClicks(link.id, [day0 + 2 * HOUR], GOOGLEBOT_UA);
    const q = `from=2026-01-10T00:00:00Z&to=2026-01-12T00:00:00Z&interval=day`;
    const stats = (await (await call("GET", `/links/${link.id}/stats?${q}`, token)).json()) as {
      from: string;
      to: string;
      clicks: number;
      humans: number;
      bots: number;
      timeseries: { time: string; clicks: number }[];
    };
    expect(stats).toMatchObject({ from: "2026-01-10T00:00:00.000Z", to: "2026-01-12T00:00:00.000Z", clicks: 4, humans: 3, bots: 1 });
    expect(stats.timeseries).toEqual([
      { time: "2026-01-10T00:00:00.000Z", clicks: 3, humans: 2, bots: 1 },
      { time: "2026-01-11T00:00:00.000Z", clicks: 1, humans: 1, bots: 0 },
    ]);
  });

  test.each([
    ["interval=week", "interval"],
    ["from=yesterday", "from"],
    ["from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from"],
    ["from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&interval=hour", "from"],
    ["from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&interval=day", "from"],
  ])("%s is a 422", async (q, path) => {
    const { token } = await newUser();
    const link = await createLink(token);
    await expectProblem(await call("GET", `/links/${link.id}/stats?${q}`, token), 422, "validation_failed", [path]);
  });

  it("is 404 for an unknown link", async () => {
    const { token } = await newUser();
    await expectProblem(await call("GET", "/links/V1StGXR8_Z5jdHi6B-myT/stats", token), 404, "not_found");
  });
});

describe("GET /links/v1/links/{id}/stats.svg", () => {
  it("is an SVG bar chart with axes, labels and a bar per active bucket", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { slug: "chart-link" });
    const day0 = Date.UTC(2026, 1, 1);
    await seedClicks(link.id, [day0 + HOUR, day0 + HOUR, day0 + 3 * HOUR]);
    const res = await call("GET", `/links/${link.id}/stats.svg?from=2026-02-01T00:00:00Z&to=2026-02-01T06:00:00Z&interval=hour`, token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const svg = await res.text();
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    expect(svg).toContain("Clicks on /chart-link: 3 (3 human, 0 bot)");
    expect(svg).toContain("02-01 00:00");
    expect(svg).toContain("02-01 05:00");
    expect(svg).toContain("Time (UTC, per hour)");
    expect(svg.match(/fill="#2563eb"><title>/g)).toHaveLength(2);
    expect(svg).not.toContain("<script");
  });

  it("needs ownership (404) and valid ranges (422)", async () => {
    const a = await newUser();
    const b = await newUser();
    const link = await createLink(a.token);
    await expectProblem(await call("GET", `/links/${link.id}/stats.svg`, b.token), 404, "not_found");
    await expectProblem(await call("GET", `/links/${link.id}/stats.svg?interval=year`, a.token), 422, "validation_failed", ["interval"]);
  });
});
