import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { realWorldErrorResponse } from "../src/realworld/errors";

// Issue 10, item 10: a 5xx is logged with its path; capability secrets in it (tokens in the query,
// long secret segments) must not reach the logs.
describe("RealWorld 5xx log line", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs the path with capability secrets redacted and answers without them", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const app = new Hono();
    app.get("*", () => {
      throw new Error("boom");
    });
    app.onError((err, c) => realWorldErrorResponse(err, c));
    const secret = "s3cr3t-0123456789abcdefghijklmnopqrstuvwxyzABCD";
    const res = await app.request(`http://blog.test/blog/api/feed/${secret}?token=${secret}&limit=5`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain(secret);
    const logged = lines.join("\n");
    expect(logged).toContain("unhandled error");
    expect(logged).toContain("limit=5");
    expect(logged).not.toContain(secret);
  });
});
