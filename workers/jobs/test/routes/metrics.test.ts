import { describe, expect, it } from "vitest";
import { HISTOGRAM_BUCKETS, type QueueMetrics } from "../../src/engine/types";
import { escapeLabel, renderMetrics } from "../../src/metrics";
import { api, call, createQueue, newUser, submitJob, ZERO_COUNTS } from "../helpers";

const histogram = (count: number, sum: number) => ({ buckets: HISTOGRAM_BUCKETS.map((le) => (le >= 1 ? count : 0)), sum, count });
const metrics = (over: Partial<QueueMetrics> = {}): QueueMetrics => ({
  counts: ZERO_COUNTS,
  completedTotal: 0,
  failedTotal: 0,
  waitSeconds: histogram(0, 0),
  runSeconds: histogram(0, 0),
  ...over,
});

/** The sample lines of an exposition (no comments), as `name{labels}` → value. */
const samples = (text: string) =>
  new Map(
    text
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => {
        const at = l.lastIndexOf(" ");
        return [l.slice(0, at), Number(l.slice(at + 1))] as const;
      }),
  );

describe("Prometheus rendering", () => {
  it("escapes backslash, double quote and line feed in label values", () => {
    expect(escapeLabel('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it("writes every family with HELP and TYPE, counts per state, totals and cumulative histograms", () => {
    const text = renderMetrics([
      {
        queue: "emails",
        metrics: metrics({
          counts: { ...ZERO_COUNTS, waiting: 3, dead: 1 },
          completedTotal: 7,
          failedTotal: 2,
          runSeconds: histogram(7, 4.5),
        }),
      },
      { queue: 'we"ird', metrics: metrics() },
    ]);
    expect(text.endsWith("\n")).toBe(true);
    for (const [name, type] of [
      ["jobs_queue_jobs", "gauge"],
      ["jobs_completed_total", "counter"],
      ["jobs_failed_total", "counter"],
      ["jobs_wait_seconds", "histogram"],
      ["jobs_run_seconds", "histogram"],
    ])
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    const s = samples(text);
    expect(s.get('jobs_queue_jobs{queue="emails",state="waiting"}')).toBe(3);
    expect(s.get('jobs_queue_jobs{queue="emails",state="dead"}')).toBe(1);
    expect(s.get('jobs_queue_jobs{queue="emails",state="waiting-children"}')).toBe(0);
    expect(s.get('jobs_completed_total{queue="emails"}')).toBe(7);
    expect(s.get('jobs_failed_total{queue="emails"}')).toBe(2);
    expect(s.get('jobs_run_seconds_bucket{queue="emails",le="0.5"}')).toBe(0);
    expect(s.get('jobs_run_seconds_bucket{queue="emails",le="1"}')).toBe(7);
    expect(s.get('jobs_run_seconds_bucket{queue="emails",le="+Inf"}')).toBe(7);
    expect(s.get('jobs_run_seconds_sum{queue="emails"}')).toBe(4.5);
    expect(s.get('jobs_run_seconds_count{queue="emails"}')).toBe(7);
    expect(s.get('jobs_completed_total{queue="we\\"ird"}')).toBe(0);
    // 8 states per queue, 1 + 1 totals, (14 buckets + Inf + sum + count) per histogram
    expect(s.size).toBe(2 * (8 + 2 + 2 * (HISTOGRAM_BUCKETS.length + 3)));
  });
});

describe("GET /metrics", () => {
  it("is text/plain 0.0.4 with the caller's queues only", async () => {
    const owner = await newUser();
    const queue = await createQueue(owner.token);
    await submitJob(owner.token, queue.id);
    await submitJob(owner.token, queue.id, { delay: 60_000 });
    const stranger = await newUser();
    await createQueue(stranger.token, { name: "strangers-queue" });

    const res = await call("GET", "/metrics", owner.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    const s = samples(text);
    expect(s.get(`jobs_queue_jobs{queue="${queue.name}",state="waiting"}`)).toBe(1);
    expect(s.get(`jobs_queue_jobs{queue="${queue.name}",state="delayed"}`)).toBe(1);
    expect(s.get(`jobs_completed_total{queue="${queue.name}"}`)).toBe(0);
    expect(text).not.toContain("strangers-queue");
  });

  it("a caller without queues gets the families and no samples", async () => {
    const { token } = await newUser("jobs:read");
    const res = await call("GET", "/metrics", token);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(samples(text).size).toBe(0);
    expect(text).toContain("# TYPE jobs_queue_jobs gauge");
  });

  it("is 401 without a token and 403 with only jobs:write", async () => {
    await api.problem(call("GET", "/metrics"), 401, "unauthorized");
    const { token } = await newUser("jobs:write");
    await api.problem(call("GET", "/metrics", token), 403, "forbidden");
  });
});
