import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  BASE,
  call,
  connect,
  createBoard,
  createCard,
  expectProblem,
  type Frame,
  newUser,
  ok,
  openClient,
  team,
  ticketFor,
} from "./helpers";

describe("tickets", () => {
  it("are issued to members only, single-use, 60 s", async () => {
    const { admin, observer, stranger, board } = await team();
    const res = await call("POST", `/boards/${board.id}/ticket`, observer.token);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { ticket: string; expiresAt: string };
    expect(body.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ttl = Date.parse(body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await expectProblem(await call("POST", `/boards/${board.id}/ticket`, stranger.token), 404, "not_found");
    await expectProblem(await call("POST", `/boards/${board.id}/ticket`), 401, "unauthorized");
    // every call mints a new ticket: another member's (or a second one of mine) is never the same
    const again = await ticketFor(admin, board.id);
    expect(again).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(again).not.toBe(body.ticket);
    expect(await ticketFor(observer, board.id)).not.toBe(body.ticket);
  });

  it("refuse missing, made-up, reused and expired tickets with 401 before any upgrade", async () => {
    const { admin, board } = await team();
    for (const ticket of ["", "nope", "x".repeat(43)]) {
      const res = await connect(board.id, ticket);
      expect(res.webSocket).toBeNull();
      await expectProblem(res, 401, "unauthorized");
    }
    const ticket = await ticketFor(admin, board.id);
    const first = await connect(board.id, ticket);
    expect(first.status).toBe(101);
    first.webSocket?.accept();
    first.webSocket?.close();
    const reused = await connect(board.id, ticket);
    expect(reused.webSocket).toBeNull();
    await expectProblem(reused, 401, "unauthorized");
    // a ticket for one board does not open another
    const other = await createBoard(admin);
    const crossed = await connect(other.id, await ticketFor(admin, board.id));
    await expectProblem(crossed, 401, "unauthorized");
    // expired: age the stored ticket
    const stale = await ticketFor(admin, board.id);
    await runInDurableObject(env.BOARD.get(env.BOARD.idFromName(board.id)), async (_i, state) => {
      state.storage.sql.exec("UPDATE tickets SET expires_at = ?", Date.now() - 1);
    });
    await expectProblem(await connect(board.id, stale), 401, "unauthorized");
    // an unknown board
    await expectProblem(await connect("AAAAAAAAAAAAAAAA", stale), 401, "unauthorized");
  });

  it("open exactly one socket when the same ticket is raced by 5 upgrades", async () => {
    const { admin, board } = await team();
    const ticket = await ticketFor(admin, board.id);
    const results = await Promise.all(Array.from({ length: 5 }, () => connect(board.id, ticket)));
    expect(results.map((r) => r.status).sort()).toEqual([101, 401, 401, 401, 401]);
    for (const r of results) {
      if (r.webSocket) {
        r.webSocket.accept();
        r.webSocket.close();
      } else await r.body?.cancel();
    }
  });

  it("refuse someone who is no longer a member with 403, and a plain request with 426 (ticket kept)", async () => {
    const { admin, member, board } = await team();
    const ticket = await ticketFor(member, board.id);
    const plain = await SELF.fetch(`${BASE}/boards/${board.id}/ws?ticket=${ticket}`);
    await expectProblem(plain, 426, "upgrade_required");
    expect(plain.headers.get("Upgrade")).toBe("websocket");
    await ok(call("DELETE", `/boards/${board.id}/members/${member.id}`, admin.token), 204);
    const res = await connect(board.id, ticket);
    expect(res.webSocket).toBeNull();
    await expectProblem(res, 403, "forbidden");
  });

  it("validate since", async () => {
    const { admin, board } = await team();
    for (const since of ["-1", "abc", "1.5"]) {
      const res = await SELF.fetch(`${BASE}/boards/${board.id}/ws?ticket=${await ticketFor(admin, board.id)}&since=${since}`, {
        headers: { Upgrade: "websocket" },
      });
      await expectProblem(res, 422, "validation_failed", ["since"]);
    }
  });
});

describe("the event stream", () => {
  it("numbers every change and resumes after a disconnect with no gap and no duplicate", async () => {
    const { admin, member, board, list } = await team();
    const first = await openClient(member, board.id, 0);
    const ready = first.frames.find((f) => f.type === "ready") as Frame;
    const replayed = first.events();
    // the whole history so far, in order, 1..ready.seq
    expect(replayed.map((f) => f.seq)).toEqual(Array.from({ length: ready.seq as number }, (_, i) => i + 1));
    expect(replayed.map((f) => f.type)).toEqual(expect.arrayContaining(["board.created", "member.added", "list.created"]));
    const a = await createCard(admin, list.id, { title: "a" });
    await first.until((f) => f.some((x) => x.type === "card.created"));
    const lastSeen = Math.max(...first.events().map((f) => f.seq as number));
    first.close();
    // changes while disconnected
    const b = await createCard(admin, list.id, { title: "b" });
    await ok(call("PATCH", `/cards/${a.id}`, admin.token, { title: "a2" }));
    await ok(call("POST", `/cards/${b.id}/move`, admin.token, { listId: list.id, pos: "top" }));
    const second = await openClient(member, board.id, lastSeen);
    const missed = second.events();
    expect(missed.map((f) => f.type)).toEqual(["card.created", "card.updated", "card.moved"]);
    expect(missed.map((f) => f.seq)).toEqual([lastSeen + 1, lastSeen + 2, lastSeen + 3]);
    const readyAgain = second.frames.find((f) => f.type === "ready") as Frame;
    expect(readyAgain.seq).toBe(lastSeen + 3);
    // ready comes after the replay, presence after ready
    const types = second.frames.map((f) => f.type);
    expect(types.indexOf("ready")).toBe(3);
    expect(missed[0]).toMatchObject({ actorId: admin.id, card: { id: b.id, title: "b" } });
    // live events continue the numbering
    await createCard(admin, list.id, { title: "c" });
    await second.until((f) => f.filter((x) => x.type === "card.created").length === 2);
    expect(second.events().at(-1)?.seq).toBe(lastSeen + 4);
    second.close();
  });

  it("with no since, only live events follow ready", async () => {
    const { admin, board, list } = await team();
    const c = await openClient(admin, board.id);
    expect(c.events()).toEqual([]);
    await createCard(admin, list.id);
    await c.until((f) => f.some((x) => x.type === "card.created"));
    c.close();
  });

  it("sends nothing for a refused write", async () => {
    const { admin, observer, board, list } = await team();
    const c = await openClient(admin, board.id);
    await expectProblem(await call("POST", `/lists/${list.id}/cards`, observer.token, { title: "x" }), 403, "forbidden");
    await expectProblem(
      await call("POST", `/lists/${list.id}/cards`, admin.token, { title: "x", assignees: ["nobody_here"] }),
      422,
      "validation_failed",
    );
    await createCard(admin, list.id, { title: "ok" });
    await c.until((f) => f.some((x) => x.type === "card.created"));
    expect(c.events().map((f) => f.type)).toEqual(["card.created"]);
    c.close();
  });
});

describe("presence", () => {
  it("lists who is viewing on join and leave", async () => {
    const { admin, member, board } = await team();
    const a = await openClient(admin, board.id);
    await a.until((f) => f.some((x) => x.type === "presence" && (x.online as string[]).includes(admin.id)));
    const m = await openClient(member, board.id);
    const both = [admin.id, member.id].sort();
    await a.until((f) => f.some((x) => x.type === "presence" && JSON.stringify(x.online) === JSON.stringify(both)), "both online");
    await m.until((f) => f.some((x) => x.type === "presence" && JSON.stringify(x.online) === JSON.stringify(both)), "both online");
    m.close();
    await a.until((f) => {
      const last = f.filter((x) => x.type === "presence").at(-1);
      return JSON.stringify(last?.online) === JSON.stringify([admin.id]);
    }, "member left");
    a.close();
  });

  it("closes the sockets of a removed member", async () => {
    const { admin, member, board } = await team();
    const m = await openClient(member, board.id);
    await ok(call("DELETE", `/boards/${board.id}/members/${member.id}`, admin.token), 204);
    await m.until(() => m.closed !== null, "close");
    expect(m.closed?.code).toBe(4403);
  });
});

describe("client frames", () => {
  it("answers ping with pong, invalid frames with an error frame (socket stays up), and closes on frames over 64 KiB", async () => {
    const { admin, board } = await team();
    const c = await openClient(admin, board.id);
    c.ws.send(JSON.stringify({ type: "ping", id: "p1" }));
    await c.until((f) => f.some((x) => x.type === "pong" && x.id === "p1"));
    c.ws.send("{not json");
    await c.until((f) => f.some((x) => x.type === "error" && x.code === "malformed_json"));
    c.ws.send(JSON.stringify({ type: "shout", text: "hi" }));
    await c.until((f) => f.some((x) => x.type === "error" && x.code === "validation_failed"));
    c.ws.send(JSON.stringify({ type: "ping" }));
    await c.until((f) => f.filter((x) => x.type === "pong").length === 2);
    expect(c.closed).toBeNull();
    c.ws.send(JSON.stringify({ type: "ping", id: "x".repeat(70_000) }));
    await c.until(() => c.closed !== null, "close");
    expect(c.closed?.code).toBe(1009);
  });
});

describe("strangers", () => {
  it("cannot get a ticket for a board they do not belong to", async () => {
    const { board } = await team();
    const eve = await newUser();
    await expectProblem(await call("POST", `/boards/${board.id}/ticket`, eve.token), 404, "not_found");
  });
});
