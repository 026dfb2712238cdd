import { expectProblem } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { call, newUser } from "./helpers";

// D1 read replication (issue 10, Deploy): every /v1 request runs in one D1 session; a write answers its
// bookmark in X-D1-Bookmark and a client that sends it back reads its own write, even from a replica.
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const withBookmark = (bookmark: string) => ({ "X-D1-Bookmark": bookmark });

describe("X-D1-Bookmark", () => {
  it("a write answers a bookmark; the read that sends it back sees the write and answers one at least as new", async () => {
    const { token } = await newUser();
    const created = await call("POST", "/todos", token, { title: "replicated" });
    expect(created.status).toBe(201);
    const bookmark = created.headers.get("X-D1-Bookmark") ?? "";
    expect(bookmark).toMatch(BOOKMARK);
    const { id } = (await created.json()) as { id: string };
    const read = await call("GET", `/todos/${id}`, token, undefined, withBookmark(bookmark));
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id });
    expect((read.headers.get("X-D1-Bookmark") ?? "") >= bookmark).toBe(true);
  });

  it.each(["not-a-bookmark", `00000000-00000001-00000000-${"Z".repeat(32)}`])(
    "a malformed bookmark %j is a 400 problem and changes nothing",
    async (bad) => {
      const { token } = await newUser();
      const res = await call("POST", "/todos", token, { title: "replicated" }, withBookmark(bad));
      await expectProblem(res, 400, "bad_request");
      const list = await call("GET", "/todos", token);
      expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
    },
  );
});
