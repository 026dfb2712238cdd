import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp, redactUrl } from "../src";

const SECRET = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde"; // 43 characters: a 32-byte token
const TICKET = "tkt_9f8e7d6c5b4a"; // short, but named `ticket`

const app = createApp<{ Bindings: { LOG_LEVEL?: string } }>();
app.get("/notes/v1/public/:token/html", () => {
  throw new Error("database is down");
});
app.get("/chat/v1/rooms/:id/ws", () => {
  throw new Error("room object crashed");
});

/** Every line written to the console while `fn` runs. */
async function captureConsole(fn: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const spies = (["log", "info", "warn", "error"] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    }),
  );
  try {
    await fn();
  } finally {
    for (const s of spies) s.mockRestore();
  }
  return lines.join("\n");
}

describe("capability secrets never reach the logs", () => {
  beforeEach(() => vi.useRealTimers());
  afterEach(() => vi.restoreAllMocks());

  it("a 5xx on a path carrying a share token logs the error without the token", async () => {
    let status = 0;
    const out = await captureConsole(async () => {
      status = (await app.request(`/notes/v1/public/${SECRET}/html`, {}, { LOG_LEVEL: "info" })).status;
    });
    expect(status).toBe(500);
    expect(out).toContain("unhandled error");
    expect(out).toContain("/notes/v1/public/[redacted]/html");
    expect(out).not.toContain(SECRET);
  });

  it("a 5xx with a ticket in the query logs neither the ticket nor other secret-looking values", async () => {
    const out = await captureConsole(async () => {
      await app.request(`/chat/v1/rooms/r1/ws?ticket=${TICKET}&since=5&x=${SECRET}`, {}, { LOG_LEVEL: "info" });
    });
    expect(out).toContain("unhandled error");
    expect(out).toContain("/chat/v1/rooms/r1/ws?ticket=[redacted]&since=5&x=[redacted]");
    expect(out).not.toContain(TICKET);
    expect(out).not.toContain(SECRET);
  });
});

describe("redactUrl", () => {
  it.each([
    ["/boards/v1/calendar/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde.ics", "/boards/v1/calendar/[redacted].ics"],
    ["/todo/v1/todos/V1StGXR8_Z5jdHi6B-myT", "/todo/v1/todos/V1StGXR8_Z5jdHi6B-myT"],
    ["/auth/v1/password/reset?token=abc123&next=%2Fhome", "/auth/v1/password/reset?token=[redacted]&next=%2Fhome"],
    [
      "/boards/v1/feed?key=k1&Access_Token=t2&sig=s3&code=c4",
      "/boards/v1/feed?key=[redacted]&Access_Token=[redacted]&sig=[redacted]&code=[redacted]",
    ],
    ["/links/v1/links?limit=20&cursor=abc", "/links/v1/links?limit=20&cursor=abc"],
    ["/x?ticket", "/x?ticket"],
    ["https://sho.rt/notes/v1/shared/s3cr3t-share-token-123?ticket=abc", "/notes/v1/shared/[redacted]?ticket=[redacted]"],
    ["/notes/v1/public/abc", "/notes/v1/public/abc"],
  ])("%s is logged as %s", (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it("is linear on a huge input", () => {
    const started = Date.now();
    redactUrl(`/${"a-".repeat(100_000)}?${"t=1&".repeat(10_000)}`);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
