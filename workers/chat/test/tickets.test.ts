import { env, runInDurableObject, SELF } from "cloudflare:test";
import { mintToken, tamper } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { BASE, call, connect, createRoom, expectProblem, newUser, ticketFor } from "./helpers";

const upgrade = (roomId: string, query: string, headers: Record<string, string> = { Upgrade: "websocket" }) =>
  SELF.fetch(`${BASE}/rooms/${roomId}/ws?${query}`, { headers });

describe("tickets", () => {
  it("a member gets a 60 s single-use ticket", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const before = Date.now();
    const res = await call("POST", `/rooms/${room.id}/ticket`, alice.token);
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as { ticket: string; expiresAt: string };
    expect(body).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
    const ttl = Date.parse(body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it("the ticket is stored hashed, never in clear", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const ticket = await ticketFor(alice, room.id);
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room.id));
    const rows = await runInDurableObject(stub, (_i, state) => state.storage.sql.exec("SELECT * FROM tickets").toArray());
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(ticket);
    expect(rows[0]).toMatchObject({ user_id: alice.id, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("a non-member cannot get a ticket: 404, like any room that is not theirs", async () => {
    const alice = await newUser();
    const mallory = await newUser();
    const room = await createRoom(alice);
    await expectProblem(await call("POST", `/rooms/${room.id}/ticket`, mallory.token), 404, "not_found");
    await expectProblem(await call("POST", "/rooms/no-such-room/ticket", alice.token), 404, "not_found");
  });

  it.each([
    ["no token", async () => undefined],
    ["an expired token", async () => mintToken({ sub: "x", expiresIn: -60 })],
    ["a tampered token", async () => tamper(await mintToken({ sub: "x" }))],
  ])("%s gets 401 for a ticket", async (_w, token) => {
    const alice = await newUser();
    const room = await createRoom(alice);
    await expectProblem(await call("POST", `/rooms/${room.id}/ticket`, await token()), 401, "unauthorized");
  });
});

describe("the upgrade refuses before any socket", () => {
  it.each([
    ["no ticket", ""],
    ["an empty ticket", "ticket="],
    ["a garbage ticket", "ticket=not-a-ticket"],
    ["a well-formed unknown ticket", `ticket=${"A".repeat(43)}`],
    ["a ticket with odd characters", "ticket=%00%27%22%3Cscript%3E"],
  ])("%s: 401", async (_w, query) => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const res = await upgrade(room.id, query);
    expect(res.webSocket).toBeNull();
    await expectProblem(res, 401, "unauthorized");
  });

  it("a reused ticket: 401", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const ticket = await ticketFor(alice, room.id);
    const first = await upgrade(room.id, `ticket=${ticket}`);
    expect(first.status).toBe(101);
    first.webSocket?.accept();
    const second = await upgrade(room.id, `ticket=${ticket}`);
    expect(second.webSocket).toBeNull();
    await expectProblem(second, 401, "unauthorized");
    first.webSocket?.close(1000);
  });

  it("two concurrent upgrades with one ticket: exactly one socket", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const ticket = await ticketFor(alice, room.id);
    const results = await Promise.all(Array.from({ length: 5 }, () => upgrade(room.id, `ticket=${ticket}`)));
    expect(results.map((r) => r.status).sort()).toEqual([101, 401, 401, 401, 401]);
    for (const r of results) {
      r.webSocket?.accept();
      r.webSocket?.close(1000);
    }
  });

  it("an expired ticket: 401", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const ticket = await ticketFor(alice, room.id);
    const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room.id));
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec("UPDATE tickets SET expires_at = ?", Date.now() - 1);
    });
    await expectProblem(await upgrade(room.id, `ticket=${ticket}`), 401, "unauthorized");
  });

  it("a ticket for another room: 401", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const other = await createRoom(alice);
    const ticket = await ticketFor(alice, room.id);
    await expectProblem(await upgrade(other.id, `ticket=${ticket}`), 401, "unauthorized");
  });

  it("a valid ticket of someone removed since: 403, before any socket", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const ticket = await ticketFor(bob, room.id);
    expect((await call("DELETE", `/rooms/${room.id}/members/${bob.id}`, alice.token)).status).toBe(204);
    const res = await upgrade(room.id, `ticket=${ticket}`);
    expect(res.webSocket).toBeNull();
    await expectProblem(res, 403, "forbidden");
    // and it was consumed: the same ticket again is 401
    await expectProblem(await upgrade(room.id, `ticket=${ticket}`), 401, "unauthorized");
  });

  it("a ticket of someone who left: 403", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const ticket = await ticketFor(bob, room.id);
    expect((await call("POST", `/rooms/${room.id}/leave`, bob.token)).status).toBe(204);
    await expectProblem(await upgrade(room.id, `ticket=${ticket}`), 403, "forbidden");
  });

  it("not a WebSocket request: 426, and the ticket stays usable", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const ticket = await ticketFor(alice, room.id);
    const res = await upgrade(room.id, `ticket=${ticket}`, {});
    await expectProblem(res, 426, "upgrade_required");
    expect(res.headers.get("Upgrade")).toBe("websocket");
    const ok = await upgrade(room.id, `ticket=${ticket}`);
    expect(ok.status).toBe(101);
    ok.webSocket?.accept();
    ok.webSocket?.close(1000);
  });

  it.each(["since=-1", "since=abc", "since=1.5", "since=99999999999999999999"])("a bad %s: 422", async (q) => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const ticket = await ticketFor(alice, room.id);
    await expectProblem(await upgrade(room.id, `ticket=${ticket}&${q}`), 422, "validation_failed", ["since"]);
  });

  it("a malformed room id: 422", async () => {
    await expectProblem(await upgrade("bad%20id!", "ticket=x"), 422, "validation_failed");
  });

  it("a removed member's open socket is closed with 4003", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const b = await connect(bob, room.id);
    expect((await call("DELETE", `/rooms/${room.id}/members/${bob.id}`, alice.token)).status).toBe(204);
    expect((await b.closedWith()).code).toBe(4003);
  });
});
