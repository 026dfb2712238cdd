import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type ClickEvent, clickMessage } from "../src/analytics/click-event";
import { sendClick } from "../src/analytics/send-clicks";
import worker from "../src/index";
import { CHROME_UA, call, createLink, eventually, GOOGLEBOT_UA, IPHONE_UA, newUser, visit } from "./helpers";

const HOUR = 3_600_000;
const QUEUE = "edgeworks-link-clicks";

const event = (linkId: string, overrides: Partial<ClickEvent> = {}): ClickEvent & { id: string } => ({
  v: 1,
  id: crypto.randomUUID(),
  linkId,
  slug: "s",
  ts: Date.now(),
  referrerHost: "news.example.com",
  country: "PL",
  city: "Warsaw",
  ua: CHROME_UA,
  ...overrides,
});

/** Delivers events to the consumer as one batch (message id = event id unless given) and returns the ack/retry state. */
async function deliver(bodies: unknown[], messageIds?: string[], targetEnv: Env = env) {
  const batch = createMessageBatch(
    QUEUE,
    bodies.map((body, i) => ({ id: messageIds?.[i] ?? (body as ClickEvent).id ?? `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, targetEnv);
  return getQueueResult(batch, ctx);
}

type Stats = {
  clicks: number;
  humans: number;
  bots: number;
  timeseries: { time: string; clicks: number; humans: number; bots: number }[];
  referrers: { value: string; clicks: number; humans: number }[];
  countries: { value: string; clicks: number; humans: number }[];
  cities: { value: string; clicks: number; humans: number }[];
  devices: { value: string; clicks: number; humans: number }[];
  browsers: { value: string; clicks: number; humans: number }[];
  os: { value: string; clicks: number; humans: number }[];
};
const statsOf = async (token: string, id: string, query = "interval=hour") =>
  (await (await call("GET", `/links/${id}/stats?${query}`, token)).json()) as Stats;

describe("the click consumer", () => {
  it("aggregates a batch per link per hour and per dimension; bots stay out of human counts", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const now = Date.now();
    const events = [
      event(link.id),
      event(link.id),
      event(link.id, { ts: now - 2 * HOUR, referrerHost: null, country: null, city: null }),
      event(link.id, { ua: IPHONE_UA, country: "DE", city: "Berlin" }),
      event(link.id, { ua: GOOGLEBOT_UA, referrerHost: null }),
      event(link.id, { ua: "" }),
    ];
    const result = await deliver(events);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(events.map((e) => e.id).sort());

    const stats = await statsOf(token, link.id);
    expect({ clicks: stats.clicks, humans: stats.humans, bots: stats.bots }).toEqual({ clicks: 6, humans: 4, bots: 2 });
    const hourOf = (t: number) => new Date(Math.floor(t / HOUR) * HOUR).toISOString();
    expect(stats.timeseries.find((p) => p.time === hourOf(now))).toEqual({ time: hourOf(now), clicks: 5, humans: 3, bots: 2 });
    expect(stats.timeseries.find((p) => p.time === hourOf(now - 2 * HOUR))).toEqual({
      time: hourOf(now - 2 * HOUR),
      clicks: 1,
      humans: 1,
      bots: 0,
    });
    expect(stats.referrers).toEqual([
      { value: "news.example.com", clicks: 4, humans: 3 },
      { value: "direct", clicks: 2, humans: 1 },
    ]);
    expect(stats.countries).toEqual([
      { value: "PL", clicks: 4, humans: 2 },
      { value: "DE", clicks: 1, humans: 1 },
      { value: "unknown", clicks: 1, humans: 1 },
    ]);
    expect(stats.cities.map((c) => c.value)).toEqual(["Warsaw", "Berlin", "unknown"]);
    expect(stats.devices).toEqual([
      { value: "desktop", clicks: 3, humans: 3 },
      { value: "bot", clicks: 2, humans: 0 },
      { value: "mobile", clicks: 1, humans: 1 },
    ]);
    expect(stats.browsers.find((b) => b.value === "Chrome")).toEqual({ value: "Chrome", clicks: 3, humans: 3 });
    expect(stats.os.find((o) => o.value === "iOS")).toEqual({ value: "iOS", clicks: 1, humans: 1 });
    expect((await (await call("GET", `/links/${link.id}`, token)).json()) as { clicks: number }).toMatchObject({ clicks: 6 });
  });

  it("is idempotent: a redelivered batch and a duplicate event in one batch are counted once", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const events = [event(link.id), event(link.id), event(link.id)];
    await deliver(events);
    const again = await deliver(events); // redelivery: same message and event ids
    expect(again.explicitAcks.length).toBe(3);
    const dup = event(link.id);
    await deliver([dup, dup], ["new-message-1", "new-message-2"]); // a duplicate send: new message ids, same event id
    const stats = await statsOf(token, link.id);
    expect(stats.clicks).toBe(4);
    expect(stats.countries).toEqual([{ value: "PL", clicks: 4, humans: 4 }]);
  });

  it("counts a message carrying a batch of clicks (as the redirect sends them) once, however often it arrives", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const message = { v: 1, id: crypto.randomUUID(), events: [event(link.id), event(link.id, { ua: GOOGLEBOT_UA }), event(link.id)] };
    const first = await deliver([message]);
    expect(first.explicitAcks).toEqual([message.id]);
    await deliver([message]);
    await deliver([message, message], ["copy-1", "copy-2"]);
    const stats = await statsOf(token, link.id);
    expect({ clicks: stats.clicks, humans: stats.humans, bots: stats.bots }).toEqual({ clicks: 3, humans: 2, bots: 1 });
  });

  it("acks a malformed message (it can never succeed) and still counts the others", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const good = event(link.id);
    const badBatch = { v: 1, id: "b1", events: [good, { not: "a click" }] };
    const result = await deliver([good, { hello: "world" }, "text", null, badBatch], [good.id, "bad-1", "bad-2", "bad-3", "bad-4"]);
    expect(result.explicitAcks.sort()).toEqual([good.id, "bad-1", "bad-2", "bad-3", "bad-4"].sort());
    expect(result.retryMessages).toEqual([]);
    expect((await statsOf(token, link.id)).clicks).toBe(1);
  });

  it("reads a body as a batch or a single click with an id; every other shape fails validation", () => {
    const e = event("L1");
    const { id: _id, ...noId } = e;
    expect(clickMessage.safeParse(e).data).toEqual({ key: e.id, events: [e] });
    expect(clickMessage.safeParse({ v: 1, id: "b", events: [noId] }).data).toEqual({ key: "b", events: [noId] });
    const invalid = [
      noId, // a single click must carry its key
      { ...e, v: 2 },
      { ...e, ts: Number.POSITIVE_INFINITY },
      { ...e, ts: Number.NaN },
      { ...e, n: 0 },
      { ...e, n: 1.5 },
      { ...e, n: 1_000_000_001 },
      { ...e, id: "x".repeat(65) },
      { ...e, id: "" },
      { ...e, country: undefined },
      { v: 1, id: "b", events: [] },
      { v: 1, id: "b", events: Array.from({ length: 101 }, () => noId) },
      { v: 1, events: [noId] },
    ];
    for (const body of invalid) expect(clickMessage.safeParse(body).success, JSON.stringify(body)?.slice(0, 80)).toBe(false);
  });

  it("retries each message on its own when D1 fails, and counts nothing", async () => {
    const broken = {
      prepare() {
        throw new Error("D1 is down");
      },
      batch() {
        throw new Error("D1 is down");
      },
    } as unknown as D1Database;
    const events = [event("x1"), event("x2")];
    const result = await deliver(events, undefined, { ...env, DB: broken });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("the redirect folds identical clicks into one event with a count, and sends them as one message", async () => {
    const sent: unknown[] = [];
    const queue = { send: async (body: unknown) => void sent.push(body) } as unknown as Queue;
    const pending: Promise<unknown>[] = [];
    const base = event("L1");
    for (let i = 0; i < 5; i++)
      sendClick(
        queue,
        { ...base, ts: base.ts + i },
        (p) => pending.push(p),
        () => undefined,
      );
    sendClick(
      queue,
      { ...base, ua: IPHONE_UA },
      (p) => pending.push(p),
      () => undefined,
    );
    sendClick(
      queue,
      { ...base, country: "DE" },
      (p) => pending.push(p),
      () => undefined,
    );
    expect(sent).toEqual([]); // nothing leaves before the window closes
    await Promise.all(pending);
    expect(sent).toHaveLength(1);
    const message = sent[0] as { v: number; id: string; events: (ClickEvent & { n: number })[] };
    expect(message.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(message.events.map((e) => [e.ua === IPHONE_UA ? "iphone" : e.country, e.n])).toEqual([
      ["PL", 5],
      ["iphone", 1],
      ["DE", 1],
    ]);
  });

  it("end to end: 25 identical concurrent clicks are all counted", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const responses = await Promise.all(Array.from({ length: 25 }, () => visit(link.slug)));
    expect(responses.every((r) => r.status === 302)).toBe(true);
    const stats = await eventually(async () => {
      const s = await statsOf(token, link.id);
      return s.clicks >= 25 ? s : null;
    }, 15_000);
    expect({ clicks: stats.clicks, humans: stats.humans }).toEqual({ clicks: 25, humans: 25 });
  });

  it("end to end: real redirects reach the Queue and show up in stats within seconds", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    await visit(link.slug, { headers: { "User-Agent": CHROME_UA, Referer: "https://news.example.com/today" } });
    await visit(link.slug, { headers: { "User-Agent": GOOGLEBOT_UA } });
    await visit(link.slug, { headers: { "User-Agent": IPHONE_UA }, cf: { country: "PL", city: "Kraków" } });
    const stats = await eventually(async () => {
      const s = await statsOf(token, link.id);
      return s.clicks === 3 ? s : null;
    }, 15_000);
    expect({ humans: stats.humans, bots: stats.bots }).toEqual({ humans: 2, bots: 1 });
    expect(stats.referrers).toContainEqual({ value: "news.example.com", clicks: 1, humans: 1 });
    expect(stats.countries).toContainEqual({ value: "PL", clicks: 1, humans: 1 });
    expect(stats.cities).toContainEqual({ value: "Kraków", clicks: 1, humans: 1 });
  });
});
