import { describe, expect, it, test } from "vitest";
import { TEST_API_KEYS } from "./api-keys";
import { call, expectProblem } from "./helpers";

const [readerKey, writerKey] = Object.keys(TEST_API_KEYS.valid) as [string, string];

describe("API keys (verified by accounts over RPC)", () => {
  it("a key with todo:read and todo:write can create and read as its user", async () => {
    const created = await call("POST", "/todos", writerKey, { title: "Made with a key" });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await call("GET", `/todos/${id}`, writerKey)).status).toBe(200);
    // the key's user owns it: nobody else sees it
    await expectProblem(await call("GET", `/todos/${id}`, readerKey), 404, "not_found");
  });

  it("a read-only key can read but not write", async () => {
    expect((await call("GET", "/todos", readerKey)).status).toBe(200);
    await expectProblem(await call("POST", "/todos", readerKey, { title: "x" }), 403, "forbidden");
  });

  test.each([
    ["an unknown key", `ewk_unknown1_${"u".repeat(43)}`],
    ["a key accounts fails on", TEST_API_KEYS.broken],
    ["a key accounts answers with a wrong shape", TEST_API_KEYS.malformed],
  ])("%s is 401, never 500", async (_label, key) => {
    const res = await call("GET", "/todos", key);
    await expectProblem(res, 401, "unauthorized");
    expect(res.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });
});
