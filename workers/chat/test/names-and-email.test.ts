import { env } from "cloudflare:test";
import { mintToken } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { call, createRoom, expectProblem, newUser, type Room } from "./helpers";

// The fake accounts Worker: every id is a user named like its id, with the email `<id>@users.test`.
const emailOf = (u: { id: string }) => `${u.id}@users.test`;
type Member = { userId: string; name: string | null; role: string; joinedAt: string };
const getRoom = async (token: string, id: string) =>
  (await (await call("GET", `/rooms/${id}`, token)).json()) as Room & { members: Member[] };

describe("member names", () => {
  it("rooms list their members with names: create, get and my room list", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const created = await createRoom(alice, [bob]);
    const named = [
      { userId: alice.id, name: alice.id, role: "owner", joinedAt: expect.any(String) },
      { userId: bob.id, name: bob.id, role: "member", joinedAt: expect.any(String) },
    ];
    expect(created.members).toEqual(named);
    expect((await getRoom(bob.token, created.id)).members).toEqual(named);
    const list = (await (await call("GET", "/rooms", bob.token)).json()) as { items: Room[] };
    expect(list.items.find((r) => r.id === created.id)?.members).toEqual(named);
  });

  it("names are stored, never emails; a member without a stored name is looked up once and stored", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const room = await createRoom(alice, [bob]);
    const stored = await env.DB.prepare("SELECT * FROM user_names WHERE user_id = ?").bind(bob.id).first();
    expect(stored).toEqual({ user_id: bob.id, name: bob.id, updated_at: expect.any(Number) });
    // as for members who joined before names were kept
    await env.DB.prepare("DELETE FROM user_names WHERE user_id = ?").bind(bob.id).run();
    expect((await getRoom(alice.token, room.id)).members.find((m) => m.userId === bob.id)?.name).toBe(bob.id);
    expect(await env.DB.prepare("SELECT name FROM user_names WHERE user_id = ?").bind(bob.id).first("name")).toBe(bob.id);
    const body = await (await call("GET", `/rooms/${room.id}`, alice.token)).text();
    expect(body).not.toContain("@users.test");
  });

  it("a user accounts has no name for is name: null", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const room = await createRoom(alice, [bob]);
    await env.DB.prepare("UPDATE user_names SET name = NULL WHERE user_id = ?").bind(bob.id).run();
    expect((await getRoom(alice.token, room.id)).members.find((m) => m.userId === bob.id)).toEqual({
      userId: bob.id,
      name: null,
      role: "member",
      joinedAt: expect.any(String),
    });
  });
});

describe("POST /rooms/{id}/members by email", () => {
  it("invites the user with that email (any case) and returns them with their name, not their email", async () => {
    const [owner, bob, carol] = [await newUser(), await newUser(), await newUser()];
    const room = await createRoom(owner);
    const res = await call("POST", `/rooms/${room.id}/members`, owner.token, { email: emailOf(bob) });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ userId: bob.id, name: bob.id, role: "member", joinedAt: expect.any(String) });
    const admin = await call("POST", `/rooms/${room.id}/members`, owner.token, { email: emailOf(carol).toUpperCase(), role: "admin" });
    expect(await admin.json()).toEqual({ userId: carol.id, name: carol.id, role: "admin", joinedAt: expect.any(String) });
    expect((await getRoom(bob.token, room.id)).members.map((m) => [m.userId, m.name, m.role])).toEqual([
      [owner.id, owner.id, "owner"],
      [bob.id, bob.id, "member"],
      [carol.id, carol.id, "admin"],
    ]);
    await expectProblem(await call("POST", `/rooms/${room.id}/members`, owner.token, { email: emailOf(bob) }), 409, "conflict");
  });

  it.each([
    ["neither field", {}, "userId"],
    ["only a role", { role: "member" }, "userId"],
    ["both fields", { userId: "bob", email: "bob@users.test" }, "userId"],
    ["a bad email", { email: "not-an-email" }, "email"],
    ["an email with spaces", { email: "bob @users.test" }, "email"],
    ["a too long email", { email: `${"b".repeat(250)}@users.test` }, "email"],
    ["a number", { email: 7 }, "email"],
    ["a bad role", { email: "bob@users.test", role: "owner" }, "role"],
    ["an extra field", { email: "bob@users.test", name: "Bob" }, ""],
  ])("%s is 422", async (_what, body, path) => {
    const owner = await newUser();
    const room = await createRoom(owner);
    const problem = await expectProblem(await call("POST", `/rooms/${room.id}/members`, owner.token, body), 422, "validation_failed", [
      path,
    ]);
    if (path === "userId") expect(problem.errors?.map((e) => e.message)).toContain("Give exactly one of `userId` or `email`");
    expect((await getRoom(owner.token, room.id)).members).toHaveLength(1);
  });

  it("an email nobody has is 422 on `email`, saying no more than that", async () => {
    const owner = await newUser();
    const room = await createRoom(owner);
    const problem = await expectProblem(
      await call("POST", `/rooms/${room.id}/members`, owner.token, { email: "nobody@example.com" }),
      422,
      "validation_failed",
    );
    expect(problem.errors).toEqual([{ path: "email", location: "body", message: "No such user" }]);
  });

  it("needs a token with chat:write", async () => {
    const [owner, bob] = [await newUser(), await newUser()];
    const room = await createRoom(owner);
    await expectProblem(await call("POST", `/rooms/${room.id}/members`, undefined, { email: emailOf(bob) }), 401, "unauthorized");
    const reader = await mintToken({ sub: owner.id, scope: "chat:read" });
    await expectProblem(await call("POST", `/rooms/${room.id}/members`, reader, { email: emailOf(bob) }), 403, "forbidden");
    expect((await getRoom(owner.token, room.id)).members).toHaveLength(1);
  });

  it("only the owner or an admin invites; only the owner adds admins; a stranger's room is 404", async () => {
    const [owner, admin, member, dave, erin, stranger] = [
      await newUser(),
      await newUser(),
      await newUser(),
      await newUser(),
      await newUser(),
      await newUser(),
    ];
    const room = await createRoom(owner, [admin, member]);
    await call("PATCH", `/rooms/${room.id}/members/${admin.id}`, owner.token, { role: "admin" });
    await expectProblem(await call("POST", `/rooms/${room.id}/members`, member.token, { email: emailOf(dave) }), 403, "forbidden");
    await expectProblem(
      await call("POST", `/rooms/${room.id}/members`, admin.token, { email: emailOf(dave), role: "admin" }),
      403,
      "forbidden",
    );
    expect((await call("POST", `/rooms/${room.id}/members`, admin.token, { email: emailOf(dave) })).status).toBe(201);
    await expectProblem(await call("POST", `/rooms/${room.id}/members`, stranger.token, { email: emailOf(erin) }), 404, "not_found");
    // an unknown email in someone else's room is still 404: nothing about the directory leaks
    await expectProblem(await call("POST", `/rooms/${room.id}/members`, stranger.token, { email: "nobody@example.com" }), 404, "not_found");
    expect((await getRoom(owner.token, room.id)).members.map((m) => m.userId)).toEqual([owner.id, admin.id, member.id, dave.id]);
  });

  it("one-on-one rooms take no invites by email either", async () => {
    const [alice, bob, carol] = [await newUser(), await newUser(), await newUser()];
    const dm = (await (await call("POST", "/dm", alice.token, { userId: bob.id })).json()) as Room;
    await expectProblem(await call("POST", `/rooms/${dm.id}/members`, alice.token, { email: emailOf(carol) }), 409, "conflict");
  });
});

describe("POST /dm by email", () => {
  it("opens the one-on-one room with the user of that email, once", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const first = await call("POST", "/dm", alice.token, { email: emailOf(bob) });
    expect(first.status).toBe(201);
    const room = (await first.json()) as Room & { members: Member[] };
    expect(room.members.map((m) => [m.userId, m.name]).sort()).toEqual(
      [
        [alice.id, alice.id],
        [bob.id, bob.id],
      ].sort(),
    );
    const again = await call("POST", "/dm", alice.token, { email: emailOf(bob) });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Room).id).toBe(room.id);
    const byId = await call("POST", "/dm", bob.token, { userId: alice.id });
    expect(byId.status).toBe(200);
    expect(((await byId.json()) as Room).id).toBe(room.id);
  });

  it.each([
    ["my own email", (me: string) => ({ email: `${me}@users.test` }), "email"],
    ["an unknown email", () => ({ email: "nobody@example.com" }), "email"],
    ["a bad email", () => ({ email: "nope" }), "email"],
    ["both fields", (me: string) => ({ userId: "bob", email: `${me}@users.test` }), "userId"],
    ["neither field", () => ({}), "userId"],
  ])("%s is 422", async (_what, body, path) => {
    const alice = await newUser();
    await expectProblem(await call("POST", "/dm", alice.token, body(alice.id)), 422, "validation_failed", [path]);
  });

  it("needs a token with chat:write", async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    await expectProblem(await call("POST", "/dm", undefined, { email: emailOf(bob) }), 401, "unauthorized");
    const reader = await mintToken({ sub: alice.id, scope: "chat:read" });
    await expectProblem(await call("POST", "/dm", reader, { email: emailOf(bob) }), 403, "forbidden");
  });
});
