import { env, SELF } from "cloudflare:test";
import { expectProblem } from "@edgeworks/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { D1_BOOKMARK_HEADER, isD1SessionStart, SessionDatabase } from "../src";

const BASE = "https://example.com/demo/v1";
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const call = (method: string, path: string, bookmark?: string) =>
  SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { "X-Test-Scopes": "*", ...(bookmark === undefined ? {} : { [D1_BOOKMARK_HEADER]: bookmark }) },
  });
let seq = 0;
const newId = () => `r${Date.now()}${++seq}`;

beforeAll(async () => {
  await env.DB.exec("CREATE TABLE IF NOT EXISTS rows (id TEXT PRIMARY KEY)");
});

describe("D1 sessions (defineProduct({ d1 }))", () => {
  it("answers a write with the session's bookmark", async () => {
    const res = await call("POST", `/rows/${newId()}`);
    expect(res.status).toBe(201);
    expect(res.headers.get(D1_BOOKMARK_HEADER)).toMatch(BOOKMARK);
  });

  it("reads its own write when the bookmark is sent back, and answers a bookmark at least as new", async () => {
    const id = newId();
    const written = (await call("POST", `/rows/${id}`)).headers.get(D1_BOOKMARK_HEADER) ?? "";
    const res = await call("GET", `/rows/${id}`, written);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ row: { id } });
    expect((res.headers.get(D1_BOOKMARK_HEADER) ?? "") >= written).toBe(true); // bookmarks sort by time
  });

  it("starts the session at the bookmark sent (a later one is kept, so reads wait for it)", async () => {
    const later = `7fffffff-00000000-00000000-${"0".repeat(32)}`;
    const res = await call("GET", `/rows/${newId()}`, later);
    expect(res.status).toBe(200);
    expect(res.headers.get(D1_BOOKMARK_HEADER)).toBe(later);
  });

  it.each(["first-primary", "first-unconstrained"])("accepts the constraint %s in place of a bookmark", async (constraint) => {
    const res = await call("GET", `/rows/${newId()}`, constraint);
    expect(res.status).toBe(200);
    expect(res.headers.get(D1_BOOKMARK_HEADER)).toMatch(BOOKMARK);
  });

  it("sends no bookmark when the request ran no query", async () => {
    const res = await call("GET", "/me");
    expect(res.status).toBe(200);
    expect(res.headers.has(D1_BOOKMARK_HEADER)).toBe(false);
  });

  it.each([
    ["text", "garbage"],
    ["empty", ""],
    ["one digit short", `${"0".repeat(8)}-${"0".repeat(8)}-${"0".repeat(8)}-${"0".repeat(31)}`],
    ["a non-hex digit", `${"0".repeat(8)}-${"0".repeat(8)}-${"0".repeat(8)}-${"0".repeat(31)}G`],
    ["100,000 characters", "x".repeat(100_000)],
  ])("refuses a bookmark header of %s with a 400 problem, before any query", async (_label, bad) => {
    const id = newId();
    const res = await call("POST", `/rows/${id}`, bad);
    const body = await expectProblem(res, 400, "bad_request");
    expect(body.detail).toContain(D1_BOOKMARK_HEADER);
    expect(await env.DB.prepare("SELECT id FROM rows WHERE id = ?").bind(id).first()).toBeNull();
  });

  it("isD1SessionStart takes D1's bookmarks and the two constraints only", () => {
    expect(isD1SessionStart(`00000000-00000001-00000000-${"a1".repeat(16)}`)).toBe(true);
    expect(isD1SessionStart("first-primary")).toBe(true);
    expect(isD1SessionStart("FIRST-PRIMARY")).toBe(false);
    expect(isD1SessionStart(`00000000-00000001-00000000-${"A1".repeat(16)}`)).toBe(false);
  });

  it("SessionDatabase runs prepare and batch in the session, exec on the database", async () => {
    const db = new SessionDatabase(env.DB.withSession("first-primary"), env.DB);
    expect(db.session.getBookmark()).toBeNull();
    await db.batch([db.prepare("SELECT 1"), db.prepare("SELECT 2")]);
    const afterBatch = db.session.getBookmark();
    expect(afterBatch).toMatch(BOOKMARK);
    await db.exec("SELECT 1");
    expect(db.session.getBookmark()).toBe(afterBatch); // exec is not in the session
  });
});
