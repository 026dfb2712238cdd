import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { JobState, LiveEvent, QueueCounts } from "../../src/engine/types";
import { LIVE_JOB_FRAMES_PER_SECOND, LIVE_MIGRATION, LIVE_TAG, LiveHub, STATES_MATCH_ENGINE } from "../../src/web/live";

// LiveHub on a real QueueScheduler object's state (workerd, Hibernation API, tickets in its SQLite):
// subscribe, receive the events, throttled counts, refusals, and one queue's events never reaching another's.

type Frame = { type: string } & Record<string, unknown>;

const ZERO: QueueCounts = { waiting: 0, delayed: 0, "waiting-children": 0, active: 0, completed: 0, failed: 0, dead: 0, cancelled: 0 };
const stubOf = (name: string) => env.QUEUE_SCHEDULER.get(env.QUEUE_SCHEDULER.idFromName(`live-test/${name}`));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const job = (id: string, to: JobState, error?: string): LiveEvent => ({
  type: "job",
  id,
  name: "test.sleep",
  from: "active",
  to,
  at: new Date().toISOString(),
  ...(error ? { error } : {}),
});

/** A client socket's frames as they arrive, with a wait for the next one that matches. */
function collect(ws: WebSocket) {
  const frames: Frame[] = [];
  ws.accept();
  ws.addEventListener("message", (e) => {
    frames.push(JSON.parse(String(e.data)) as Frame);
  });
  return {
    frames,
    async take(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
      for (let waited = 0; waited <= timeoutMs; waited += 10) {
        const i = frames.findIndex(match);
        if (i >= 0) return frames.splice(i, 1)[0]!;
        await sleep(10);
      }
      throw new Error(`no matching frame; got ${JSON.stringify(frames)}`);
    },
  };
}

/** A hub over the object's state, as the scheduler composes it, with counts the test controls. */
function hubOn(state: DurableObjectState, owner = "owner-1") {
  state.storage.sql.exec(LIVE_MIGRATION);
  const counts = { ...ZERO };
  const hub = new LiveHub(state, { owner: () => owner, counts: () => ({ ...counts }) });
  const subscribe = async (userId = owner) => {
    const { ticket } = await hub.issueTicket(userId);
    const res = await hub.upgrade(new Request(`https://scheduler.internal/live?ticket=${ticket}`, { headers: { Upgrade: "websocket" } }));
    return { res, socket: res.webSocket ? collect(res.webSocket) : null };
  };
  return { hub, counts, subscribe };
}

describe("LiveHub", () => {
  it("the page's state names are the engine's, in its order", () => {
    expect(STATES_MATCH_ENGINE).toBe(true);
  });

  it("accepts the owner's ticket: ready, then the current counts, tagged as a dashboard socket", async () => {
    await runInDurableObject(stubOf("subscribe"), async (_o, state) => {
      const { hub, counts, subscribe } = hubOn(state);
      counts.waiting = 3;
      const { res, socket } = await subscribe();
      expect(res.status).toBe(101);
      expect(await socket!.take((f) => f.type === "ready")).toEqual({ type: "ready", seq: 0, userId: "owner-1" });
      expect(await socket!.take((f) => f.type === "counts")).toEqual({
        type: "counts",
        counts: { ...ZERO, waiting: 3 },
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        completedPerSecond: 0,
        failedPerSecond: 0,
      });
      expect(hub.subscribers()).toBe(1);
      const [server] = state.getWebSockets(LIVE_TAG);
      expect(hub.owns(server!)).toBe(true);
    });
  });

  it("fans each job transition out to every subscriber, then a counts frame with the throughput", async () => {
    await runInDurableObject(stubOf("fanout"), async (_o, state) => {
      const { hub, counts, subscribe } = hubOn(state);
      const a = (await subscribe()).socket!;
      const b = (await subscribe()).socket!;
      await a.take((f) => f.type === "counts");
      await b.take((f) => f.type === "counts");
      counts.completed = 2;
      counts.dead = 1;
      hub.publish(job("j1", "completed"));
      hub.publish(job("j2", "completed"));
      hub.publish(job("j3", "dead", "boom"));
      for (const s of [a, b]) {
        expect(await s.take((f) => f.type === "job" && f.id === "j3")).toMatchObject({ type: "job", to: "dead", error: "boom" });
        const frame = await s.take((f) => f.type === "counts");
        expect(frame).toMatchObject({ counts: { ...ZERO, completed: 2, dead: 1 } });
        // three transitions within the first second of the window: 2 completed and 1 failure per second
        expect([frame.completedPerSecond, frame.failedPerSecond]).toEqual([2, 1]);
      }
    });
  });

  it("sends at most one counts frame a second, and one with zero rates when the work stops", async () => {
    await runInDurableObject(stubOf("throttle"), async (_o, state) => {
      const { hub, subscribe } = hubOn(state);
      const s = (await subscribe()).socket!;
      await s.take((f) => f.type === "counts");
      const started = Date.now();
      for (let i = 0; i < 30; i++) {
        hub.publish(job(`j${i}`, "completed"));
        await sleep(50); // 1.5 s of steady work
      }
      const first = await s.take((f) => f.type === "counts");
      expect(first.completedPerSecond).toBeGreaterThan(0);
      const zero = await s.take((f) => f.type === "counts" && f.completedPerSecond === 0, 5000);
      const frames = [first, zero, ...s.frames.filter((f) => f.type === "counts")];
      const times = frames.map((f) => Date.parse(String(f.at))).sort((x, y) => x - y);
      // 1.5 s of work plus the closing frame: never more than one frame per second of it
      expect(times.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(990);
    });
  });

  it("caps job frames per second; the counts still count every transition", async () => {
    await runInDurableObject(stubOf("cap"), async (_o, state) => {
      const { hub, subscribe } = hubOn(state);
      const s = (await subscribe()).socket!;
      await s.take((f) => f.type === "counts");
      const n = LIVE_JOB_FRAMES_PER_SECOND + 50;
      for (let i = 0; i < n; i++) hub.publish(job(`j${i}`, "completed"));
      const counts = await s.take((f) => f.type === "counts");
      expect(counts.completedPerSecond).toBe(n);
      expect(s.frames.filter((f) => f.type === "job")).toHaveLength(LIVE_JOB_FRAMES_PER_SECOND);
    });
  });

  it("answers ping with pong and refuses any other frame with an error frame, keeping the socket", async () => {
    await runInDurableObject(stubOf("ping"), async (_o, state) => {
      const { hub, subscribe } = hubOn(state);
      const s = (await subscribe()).socket!;
      const [server] = state.getWebSockets(LIVE_TAG);
      hub.message(server!, '{"type":"ping","id":"p1"}');
      expect(await s.take((f) => f.type === "pong")).toEqual({ type: "pong", id: "p1" });
      hub.message(server!, '{"type":"retry","id":"j1"}');
      expect(await s.take((f) => f.type === "error")).toEqual({
        type: "error",
        code: "validation_failed",
        detail: 'Only {"type":"ping"} frames are accepted here',
      });
      hub.message(server!, "not json");
      expect(await s.take((f) => f.type === "error")).toMatchObject({ code: "validation_failed" });
      expect(hub.subscribers()).toBe(1);
    });
  });

  it("refuses another user's ticket with 404, a spent or unknown ticket with 401, a plain request with 426", async () => {
    await runInDurableObject(stubOf("refusals"), async (_o, state) => {
      const { hub, subscribe } = hubOn(state);
      const stranger = await subscribe("someone-else");
      expect(stranger.res.status).toBe(404);
      expect(await stranger.res.json()).toEqual({ code: "not_found", detail: "Queue not found" });
      const unknown = await hub.upgrade(
        new Request("https://scheduler.internal/live?ticket=x".padEnd(60, "x"), { headers: { Upgrade: "websocket" } }),
      );
      expect(unknown.status).toBe(401);
      const { ticket } = await hub.issueTicket("owner-1");
      const plain = await hub.upgrade(new Request(`https://scheduler.internal/live?ticket=${ticket}`));
      expect(plain.status).toBe(426);
      // the 426 left the ticket usable; using it spends it
      const ok = await hub.upgrade(new Request(`https://scheduler.internal/live?ticket=${ticket}`, { headers: { Upgrade: "websocket" } }));
      expect(ok.status).toBe(101);
      collect(ok.webSocket!);
      const again = await hub.upgrade(
        new Request(`https://scheduler.internal/live?ticket=${ticket}`, { headers: { Upgrade: "websocket" } }),
      );
      expect(again.status).toBe(401);
      expect(hub.subscribers()).toBe(1);
    });
  });

  it("after hibernation a new instance's hub reaches the sockets an earlier one accepted", async () => {
    await runInDurableObject(stubOf("hibernation"), async (_o, state) => {
      const before = hubOn(state);
      const s = (await before.subscribe()).socket!;
      await s.take((f) => f.type === "counts");
      // what the object rebuilds on wake: a new LiveHub over the same state, nothing in memory
      const after = new LiveHub(state, { owner: () => "owner-1", counts: () => ({ ...ZERO, completed: 1 }) });
      expect(after.subscribers()).toBe(1);
      after.publish(job("j1", "completed"));
      expect(await s.take((f) => f.type === "job")).toMatchObject({ id: "j1", to: "completed" });
      expect(await s.take((f) => f.type === "counts")).toMatchObject({ counts: { ...ZERO, completed: 1 }, completedPerSecond: 1 });
      const [server] = state.getWebSockets(LIVE_TAG);
      after.message(server!, '{"type":"ping"}');
      expect(await s.take((f) => f.type === "pong")).toEqual({ type: "pong" });
    });
  });

  it("publishing without subscribers sends nothing and schedules nothing", async () => {
    await runInDurableObject(stubOf("idle"), async (_o, state) => {
      const { hub } = hubOn(state);
      hub.publish(job("j1", "completed"));
      expect(hub.subscribers()).toBe(0);
    });
  });

  it("keeps queues apart: one queue's events never reach another queue's subscribers, nor its tickets", async () => {
    const issued = await runInDurableObject(stubOf("iso-a"), async (_o, state) => {
      const { hub } = hubOn(state);
      return hub.issueTicket("owner-1");
    });
    await runInDurableObject(stubOf("iso-b"), async (_o, state) => {
      const { hub, subscribe } = hubOn(state);
      // a ticket of queue A opens nothing on queue B, even for the same user
      const foreign = await hub.upgrade(
        new Request(`https://scheduler.internal/live?ticket=${issued.ticket}`, { headers: { Upgrade: "websocket" } }),
      );
      expect(foreign.status).toBe(401);
      const s = (await subscribe()).socket!;
      await s.take((f) => f.type === "counts");
      hub.publish(job("b1", "completed"));
      await s.take((f) => f.type === "job" && f.id === "b1");
    });
    await runInDurableObject(stubOf("iso-a"), async (_o, state) => {
      const { hub, subscribe } = hubOn(state);
      const s = (await subscribe()).socket!;
      await s.take((f) => f.type === "counts");
      hub.publish(job("a1", "completed"));
      await s.take((f) => f.type === "job" && f.id === "a1");
      expect(s.frames.some((f) => f.id === "b1")).toBe(false);
    });
  });
});
