import { describe, expect, it } from "vitest";
import { type Frame, member, open, roomOf, upgrade, wsUrl } from "./sockets";

describe("the ticket-checked upgrade", () => {
  it("refuses bad tickets with 401 and a plain request with 426, keeping the ticket usable", async () => {
    const ticket = await member("upgrade", "ann");
    for (const bad of ["", "nope", "x".repeat(201)]) {
      const res = await upgrade(wsUrl("upgrade", bad));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: "unauthorized", detail: expect.any(String) });
    }
    const plain = await upgrade(wsUrl("upgrade", ticket), false);
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ code: "upgrade_required" });
    const first = await upgrade(wsUrl("upgrade", ticket));
    expect(first.status).toBe(101);
    first.webSocket?.accept();
    first.webSocket?.close(1000);
    // single use
    expect((await upgrade(wsUrl("upgrade", ticket))).status).toBe(401);
  });

  it("lets authorize refuse (403), after the ticket is spent", async () => {
    const ticket = await member("authz", "bob");
    await roomOf("authz").leave("bob");
    const res = await upgrade(wsUrl("authz", ticket));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: "forbidden", detail: "Not a member" });
    expect((await upgrade(wsUrl("authz", ticket))).status).toBe(401);
  });
});

describe("events, resume and ready", () => {
  it("replays the events after `since`, then ready with the head, then presence; live events follow", async () => {
    const room = roomOf("resume");
    await member("resume", "ann");
    for (const text of ["one", "two", "three"]) await room.post("ann", text);
    const a = await open("resume", await member("resume", "ann"), 1);
    const types = a.frames.map((f) => f.type);
    expect(a.frames.slice(0, 3)).toEqual([
      { type: "said", seq: 2, userId: "ann", text: "two" },
      { type: "said", seq: 3, userId: "ann", text: "three" },
      { type: "ready", seq: 3, userId: "ann" },
    ]);
    await a.until((f) => f.some((x) => x.type === "presence"), "presence");
    expect(types.indexOf("ready")).toBe(2);
    expect(a.frames.find((f) => f.type === "presence")).toEqual({ type: "presence", online: ["ann"] });
    await room.post("ann", "four");
    await a.until((f) => f.some((x) => x.seq === 4 && x.type === "said"), "live event");
    // without since: no replay, ready first
    const b = await open("resume", await member("resume", "bob"));
    expect(b.frames[0]).toEqual({ type: "ready", seq: 4, userId: "bob" });
  });

  it("announces presence on join and leave, once per change", async () => {
    const a = await open("presence", await member("presence", "ann"));
    const b = await open("presence", await member("presence", "bob"));
    const both = { type: "presence", online: ["ann", "bob"] };
    await a.until((f) => f.some((x) => JSON.stringify(x) === JSON.stringify(both)), "both");
    await b.until((f) => f.some((x) => JSON.stringify(x) === JSON.stringify(both)), "both");
    // a second socket of ann changes nothing for the others, but the new socket is told
    const a2 = await open("presence", await member("presence", "ann"));
    await a2.until((f) => f.some((x) => x.type === "presence"), "presence for the new socket");
    b.ws.close(1000, "bye");
    await a.until(
      (f) => JSON.stringify(f.filter((x) => x.type === "presence").at(-1)) === '{"type":"presence","online":["ann"]}',
      "bob left",
    );
    expect(a.frames.filter((x: Frame) => x.type === "presence")).toHaveLength(3);
  });

  it("closes a removed member's sockets with the product's code", async () => {
    const a = await open("removed", await member("removed", "ann"));
    await roomOf("removed").leave("ann");
    await a.until(() => a.closed !== null, "close");
    expect(a.closed?.code).toBe(4003);
  });
});

describe("client frames", () => {
  it("answers pings, refuses bad frames with the one error frame shape, and keeps the socket open", async () => {
    const a = await open("frames", await member("frames", "ann"));
    a.ws.send(JSON.stringify({ type: "ping", id: "p1" }));
    // one bad frame at a time, each answered before the next is sent, so every code is paired with its frame
    const bad: (string | ArrayBuffer)[] = ["{nope", JSON.stringify({ type: "shout" }), "x".repeat(2000), new Uint8Array([1, 2]).buffer];
    for (const [i, frame] of bad.entries()) {
      a.ws.send(frame);
      await a.until((f) => f.filter((x) => x.type === "error").length === i + 1, `error ${i + 1}`);
    }
    expect(a.frames.find((f) => f.type === "pong")).toEqual({ type: "pong", id: "p1" });
    expect(
      a.frames
        .filter((f) => f.type === "error")
        .map((f) => String(f.code))
        .join(","),
    ).toBe("not_json,invalid_frame,too_large,binary");
    for (const e of a.frames.filter((f) => f.type === "error")) expect(Object.keys(e).sort()).toEqual(["code", "detail", "type"]);
    a.ws.send(JSON.stringify({ type: "say", text: "still here" }));
    await a.until((f) => f.some((x) => x.type === "said" && x.text === "still here"), "said");
    expect(a.closed).toBeNull();
  });
});
