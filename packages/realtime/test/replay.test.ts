import { runInDurableObject } from "cloudflare:test";
import { watchTurns } from "@edgeworks/testing/turns";
import { afterEach, describe, expect, it } from "vitest";
import { SocketHub, type SocketState } from "../src";
import { type Frame, member, open, Recorder, roomOf, TEST_PAGE, upgrade, wsUrl } from "./sockets";

// Paged replay (issue 10, item 12): a replay longer than one page is sent a page (one bounded
// `replayPage` query) per turn of the object, with `ready` exactly once, after the last page.

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const said = (frames: Frame[]) => frames.filter((f) => f.type === "said").map((f) => f.seq as number);

let restore = () => {};
afterEach(() => restore());

const post = (room: string, count: number) => roomOf(room).seed("ann", count);

describe("paged replay", () => {
  it("sends a long replay a page per turn, in order, then one ready with the head", async () => {
    await member("paged", "ann");
    await post("paged", 10 * TEST_PAGE + 1);
    const watch = watchTurns();
    restore = watch.restore;
    const a = await open("paged", await member("paged", "ann"), 0);
    expect(said(a.frames)).toEqual(range(1, 10 * TEST_PAGE + 1));
    expect(a.frames.filter((f) => f.type === "ready")).toEqual([{ type: "ready", seq: 10 * TEST_PAGE + 1, userId: "ann" }]);
    // ready after the last event (an ephemeral frame such as presence may come before it)
    expect(said(a.frames.slice(a.frames.findIndex((f) => f.type === "ready")))).toEqual([]);
    expect(watch.maxPerTurn()).toBe(TEST_PAGE);
  });

  it("ends a replay on a page boundary with one ready, and replays nothing past the head", async () => {
    await member("boundary", "ann");
    await post("boundary", 2 * TEST_PAGE);
    const a = await open("boundary", await member("boundary", "ann"), 0);
    await new Promise((r) => setTimeout(r, 30));
    expect(said(a.frames)).toEqual(range(1, 2 * TEST_PAGE));
    expect(a.frames.filter((f) => f.type === "ready")).toEqual([{ type: "ready", seq: 2 * TEST_PAGE, userId: "ann" }]);
    const ahead = await open("boundary", await member("boundary", "ann"), 99);
    expect(ahead.frames[0]).toEqual({ type: "ready", seq: 2 * TEST_PAGE, userId: "ann" });
  });

  it("gives an event stored during the replay exactly once, in its place; others are served meanwhile", async () => {
    await member("during", "ann");
    // long enough (1000 turns) that bob's frame lands mid-replay even on a loaded machine
    await post("during", 1000 * TEST_PAGE);
    const bob = await open("during", await member("during", "bob"));
    const res = await upgrade(wsUrl("during", await member("during", "ann"), 0));
    const a = new Recorder(res.webSocket as WebSocket);
    // bob's message is handled (and stored) while ann is still being replayed to
    bob.ws.send(JSON.stringify({ type: "say", text: "live" }));
    await bob.until((f) => f.some((x) => x.type === "said" && x.text === "live"), "bob's own event");
    const annWhenBobWasAnswered = said(a.frames).length;
    await a.until((f) => f.some((x) => x.type === "ready"), "ready");
    await roomOf("during").post("ann", "after");
    await a.until((f) => f.some((x) => x.type === "said" && x.text === "after"), "the event after ready");
    const head = 1000 * TEST_PAGE + 2;
    expect(said(a.frames)).toEqual(range(1, head));
    const readyAt = a.frames.findIndex((f) => f.type === "ready");
    expect(a.frames.filter((f) => f.type === "ready")).toHaveLength(1);
    expect(said(a.frames.slice(0, readyAt))).toEqual(range(1, a.frames[readyAt]?.seq as number));
    expect(annWhenBobWasAnswered).toBeLessThan(1000 * TEST_PAGE);
  });

  it("resumes, in a fresh instance, a replay whose cursor is in the attachment, and keeps that cursor across setState", async () => {
    await member("resume-pump", "ann");
    await post("resume-pump", 3 * TEST_PAGE);
    const a = await open("resume-pump", await member("resume-pump", "ann"));
    expect(a.frames[0]).toEqual({ type: "ready", seq: 3 * TEST_PAGE, userId: "ann" });
    const before = a.frames.length;
    const attachments = await runInDurableObject(roomOf("resume-pump"), async (room, state) => {
      const [ws] = state.getWebSockets();
      if (!ws) throw new Error("no socket");
      // what a hibernated object holds: a socket whose attachment says it is 1 event into its replay
      ws.serializeAttachment({ userId: "ann", replayAfter: 1 });
      const fresh = new SocketHub<SocketState>(state, room.log);
      fresh.setState(ws, { userId: "ann" });
      const kept = ws.deserializeAttachment();
      expect(fresh.sockets()).toEqual([ws]);
      return { kept };
    });
    expect(attachments.kept).toEqual({ userId: "ann", replayAfter: 1 });
    await a.until((f) => f.filter((x) => x.type === "ready").length === 2, "the resumed replay's ready");
    const resumed = a.frames.slice(before);
    expect(said(resumed)).toEqual(range(2, 3 * TEST_PAGE));
    expect(resumed.at(-1)).toEqual({ type: "ready", seq: 3 * TEST_PAGE, userId: "ann" });
    const after = await runInDurableObject(roomOf("resume-pump"), async (_room, state) =>
      state.getWebSockets()[0]?.deserializeAttachment(),
    );
    expect(after).toEqual({ userId: "ann" });
  });

  it("closes the socket with 1011 when a page cannot be read (first or later), after what was sent, without ready", async () => {
    await member("broken", "ann");
    await post("broken", 3 * TEST_PAGE);
    await roomOf("broken").breakReplay(TEST_PAGE);
    const later = new Recorder((await upgrade(wsUrl("broken", await member("broken", "ann"), 0))).webSocket as WebSocket);
    await later.until(() => later.closed !== null, "the close");
    expect(later.closed).toEqual({ code: 1011, reason: "Replay failed; reconnect" });
    expect(said(later.frames)).toEqual(range(1, TEST_PAGE));
    expect(later.frames.some((f) => f.type === "ready")).toBe(false);
    await roomOf("broken").breakReplay(0);
    const first = await upgrade(wsUrl("broken", await member("broken", "ann"), 0));
    expect(first.status).toBe(101);
    const refused = new Recorder(first.webSocket as WebSocket);
    await refused.until(() => refused.closed !== null, "the close");
    expect(refused.closed?.code).toBe(1011);
    expect(said(refused.frames)).toEqual([]);
    expect(await roomOf("broken").breakReplay(Number.POSITIVE_INFINITY)).toEqual([
      "Error: storage unavailable after 3",
      "Error: storage unavailable after 0",
    ]);
  });
});
