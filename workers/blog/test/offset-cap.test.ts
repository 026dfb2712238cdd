import { SELF } from "cloudflare:test";
import { expectProblem } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { expectErrors, register, rw, V1 } from "./helpers";

// Issue 10, item 12: offset pagination makes SQLite walk and drop every skipped row, so a huge offset is
// a cheap way to spend the database's CPU. Offsets stop at MAX_OFFSET (10,000); deeper pages are refused
// (422, in the shape each API uses for validation) rather than clamped, so a client never gets a page it
// did not ask for.
describe("offset is capped at 10,000", () => {
  it.each(["/articles", "/articles/feed"])("RealWorld GET %s?offset=10001 is a 422 in RealWorld's error shape", async (path) => {
    const user = await register("off");
    await expectErrors(await rw("GET", `${path}?offset=10001`, undefined, user.token), 422, { offset: ["must be at most 10000"] });
    await expectErrors(await rw("GET", `${path}?offset=1000000`, undefined, user.token), 422, { offset: ["must be at most 10000"] });
  });

  it.each(["/articles", "/articles/feed"])("RealWorld GET %s?offset=10000 is still a (empty) page", async (path) => {
    const user = await register("off");
    const res = await rw("GET", `${path}?offset=10000`, undefined, user.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ articles: [], articlesCount: expect.any(Number) });
  });

  it.each(["/search?q=edge&offset=10001", "/categories/news/articles?offset=10001", "/drafts?offset=10001"])(
    "v1 GET %s is a 422 problem",
    async (path) => {
      const user = await register("off");
      const res = await SELF.fetch(`${V1}${path}`, { headers: { Authorization: `Bearer ${user.token}` } });
      const body = await expectProblem(res, 422, "validation_failed");
      expect(body.errors).toEqual([{ path: "offset", location: "query", message: "Must be at most 10000" }]);
    },
  );
});
