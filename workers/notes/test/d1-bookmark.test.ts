import { SELF } from "cloudflare:test";
import { expectProblem } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { BASE, call, newUser, ok, userWithNote } from "./helpers";

// D1 read replication (issue 10, Deploy): every /v1 request runs in one D1 session; a write answers its
// bookmark in X-D1-Bookmark and a client that sends it back reads its own write, even from a replica.
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const withBookmark = (bookmark: string) => ({ "X-D1-Bookmark": bookmark });

describe("X-D1-Bookmark", () => {
  it("a write answers a bookmark; the read that sends it back sees the write and answers one at least as new", async () => {
    const { token } = await newUser();
    const created = await call("POST", "/notebooks", token, { name: "replicated" });
    expect(created.status).toBe(201);
    const bookmark = created.headers.get("X-D1-Bookmark") ?? "";
    expect(bookmark).toMatch(BOOKMARK);
    const { id } = (await created.json()) as { id: string };
    const read = await call("GET", `/notebooks/${id}`, token, undefined, withBookmark(bookmark));
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id });
    expect((read.headers.get("X-D1-Bookmark") ?? "") >= bookmark).toBe(true);
  });

  it.each(["not-a-bookmark", `00000000-00000001-00000000-${"Z".repeat(32)}`])(
    "a malformed bookmark %j is a 400 problem and changes nothing",
    async (bad) => {
      const { token } = await newUser();
      const res = await call("POST", "/notebooks", token, { name: "replicated" }, withBookmark(bad));
      await expectProblem(res, 400, "bad_request");
      const list = await call("GET", "/notebooks", token);
      expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
    },
  );

  it("a malformed bookmark on a read, a body-less write and a public link is the same 400 (documented on each)", async () => {
    const { user, note } = await userWithNote({ title: "kept" });
    const bad = withBookmark("not-a-bookmark");
    await expectProblem(await call("GET", `/notes/${note.id}`, user.token, undefined, bad), 400, "bad_request");
    await expectProblem(await call("DELETE", `/notes/${note.id}`, user.token, undefined, bad), 400, "bad_request");
    const link = await ok<{ token: string }>(call("POST", `/notes/${note.id}/public-link`, user.token), 201);
    await expectProblem(await SELF.fetch(`${BASE}/public/${link.token}`, { headers: bad }), 400, "bad_request");
    // nothing ran: the note is still there and the public link still reads it
    expect((await call("GET", `/notes/${note.id}`, user.token)).status).toBe(200);
    expect((await SELF.fetch(`${BASE}/public/${link.token}`)).status).toBe(200);
  });
});
