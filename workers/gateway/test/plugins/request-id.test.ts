import { describe, expect, it } from "vitest";
import { plugin, requestIdOf } from "../../src/plugins/request-id";
import { fakeContext } from "../support/context";

const mw = (config: unknown = {}) => plugin.create(plugin.schema.parse(config), fakeContext().route);

describe("request-id plugin", () => {
  it("keeps a sane incoming id, sends it upstream and echoes it", async () => {
    const ctx = fakeContext({ init: { headers: { "X-Request-Id": "trace-1.a:b_c" } }, requestId: "gw-own" });
    const res = await ctx.run(mw());
    expect(res.headers.get("X-Request-Id")).toBe("trace-1.a:b_c");
    expect(ctx.sent[0]?.request.headers.get("X-Request-Id")).toBe("trace-1.a:b_c");
  });

  it.each([
    ["too long", "a".repeat(129)],
    ["a space", "a b"],
    ["a comma (header splitting)", "a,b"],
    ["a tab", "a\tb"],
    ["empty", ""],
  ])("replaces an incoming id with %s by the gateway's own", async (_what, value) => {
    const ctx = fakeContext({ init: { headers: { "X-Request-Id": value } }, requestId: "gw-own" });
    const res = await ctx.run(mw());
    expect(res.headers.get("X-Request-Id")).toBe("gw-own");
    expect(ctx.sent[0]?.request.headers.get("X-Request-Id")).toBe("gw-own");
  });

  it("uses the gateway's id when none came, a configured header, and no echo when off", async () => {
    const ctx = fakeContext({ requestId: "gw-own" });
    const res = await ctx.run(mw({ header: "X-Correlation-Id", echo: false }));
    expect(ctx.sent[0]?.request.headers.get("X-Correlation-Id")).toBe("gw-own");
    expect(res.headers.get("X-Correlation-Id")).toBeNull();
    expect(requestIdOf("x".repeat(128), "own")).toBe("x".repeat(128));
  });

  it("refuses a config with a header name that is not a token, or unknown keys", () => {
    expect(plugin.schema.safeParse({ header: "X Bad" }).success).toBe(false);
    expect(plugin.schema.safeParse({ header: "X-Id\r\nEvil: 1" }).success).toBe(false);
    expect(plugin.schema.safeParse({ extra: 1 }).success).toBe(false);
  });
});
