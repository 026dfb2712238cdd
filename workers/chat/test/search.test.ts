import { describe, expect, it } from "vitest";
import { toMatchQuery } from "../src/search.service";
import { call, connect, createRoom, eventually, expectProblem, newUser, type User } from "./helpers";

type Hits = {
  items: { roomId: string; messageId: string; text: string; snippet: string; seq: number; userId: string }[];
  nextCursor: string | null;
};
const search = async (user: User, q: string, extra = "") => {
  const res = await call("GET", `/search?q=${encodeURIComponent(q)}${extra}`, user.token);
  expect(res.status).toBe(200);
  return (await res.json()) as Hits;
};

describe("toMatchQuery", () => {
  it.each([
    ["hello world", '"hello" "world" *'],
    ['say "hi', '"say" "hi" *'],
    ["NEAR(a b) OR x*", '"NEAR(a" "b)" "OR" "x*" *'],
    ["title:secret", '"title:secret" *'],
    ["   ", null],
    ["*** ---", null],
  ])("%j → %j", (q, expected) => {
    expect(toMatchQuery(q)).toBe(expected);
  });
});

describe("search", () => {
  it("finds messages of my rooms only, follows edits and deletes, and treats operators as words", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const mallory = await newUser();
    const shared = await createRoom(alice, [bob]);
    const secret = await createRoom(mallory);
    const a = await connect(alice, shared.id);
    const m = await connect(mallory, secret.id);
    const launch = await a.post("the rocket launch is on Friday");
    await a.post("lunch at noon");
    await m.post("the rocket is mallory's secret");

    const hits = await eventually(async () => {
      const r = await search(bob, "rocket");
      return r.items.length > 0 ? r : undefined;
    });
    expect(hits.items).toEqual([
      {
        roomId: shared.id,
        messageId: launch.id,
        seq: launch.seq,
        userId: alice.id,
        text: "the rocket launch is on Friday",
        snippet: expect.stringContaining("[rocket]"),
        createdAt: expect.any(String),
      },
    ]);
    expect((await search(bob, "laun")).items.map((h) => h.messageId)).toEqual([launch.id]);
    expect((await search(bob, "mallory")).items).toEqual([]);
    for (const q of ['"', "NEAR(", "rocket OR", "a:b", "*", "()", "'; DROP TABLE rooms; --"]) {
      expect((await call("GET", `/search?q=${encodeURIComponent(q)}`, bob.token)).status).toBe(200);
    }

    a.send({ type: "edit", messageId: launch.id, text: "the shuttle launch is on Friday" });
    await eventually(async () => ((await search(bob, "shuttle")).items.length === 1 ? true : undefined));
    expect((await search(bob, "rocket")).items).toEqual([]);
    a.send({ type: "delete", messageId: launch.id });
    await eventually(async () => ((await search(bob, "shuttle")).items.length === 0 ? true : undefined));

    // after leaving, the room's messages are no longer searchable for bob
    await eventually(async () => ((await search(bob, "lunch")).items.length === 1 ? true : undefined));
    expect((await call("POST", `/rooms/${shared.id}/leave`, bob.token)).status).toBe(204);
    expect((await search(bob, "lunch")).items).toEqual([]);
    await a.close();
    await m.close();
  });

  it("paginates", async () => {
    const alice = await newUser();
    const room = await createRoom(alice);
    const a = await connect(alice, room.id);
    for (let i = 0; i < 5; i++) await a.post(`zebra number ${i}`);
    await eventually(async () => ((await search(alice, "zebra")).items.length === 5 ? true : undefined));
    const p1 = await search(alice, "zebra", "&limit=3");
    expect(p1.items).toHaveLength(3);
    const p2 = await search(alice, "zebra", `&limit=3&cursor=${p1.nextCursor}`);
    expect(p2.items).toHaveLength(2);
    expect(p2.nextCursor).toBeNull();
    expect(new Set([...p1.items, ...p2.items].map((h) => h.messageId)).size).toBe(5);
    await expectProblem(await call("GET", `/search?q=other&cursor=${p1.nextCursor}`, alice.token), 422, "validation_failed");
    for (const value of [1e300, -1, "x", 1.5]) {
      const forged = btoa(JSON.stringify(["search:zebra", value])).replaceAll("=", "");
      await expectProblem(await call("GET", `/search?q=zebra&cursor=${forged}`, alice.token), 422, "validation_failed", ["cursor"]);
    }
    await a.close();
  });

  it.each(["", "q=", `q=${"x".repeat(201)}`, "q=a%00b", "q=ok&limit=0", "q=ok&roomId=..%2F"])("?%s is 422", async (q) => {
    const alice = await newUser();
    await expectProblem(await call("GET", `/search?${q}`, alice.token), 422, "validation_failed");
  });
});
