import { describe, expect, it } from "vitest";
import { plugin } from "../../src/plugins/request-size-limit";
import { gw } from "../helpers";
import { fakeContext, type SentCall } from "../support/context";
import { gatewayWith } from "../support/e2e";

const mw = (maxBytes: number) => plugin.create(plugin.schema.parse({ maxBytes }), fakeContext().route);
const bodyOf = async (call: SentCall) => Response.json({ size: (await call.request.arrayBuffer()).byteLength });

/** A body without Content-Length (chunked): a stream of `chunks` chunks of `size` bytes. */
function chunked(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ >= chunks) controller.close();
      else controller.enqueue(new Uint8Array(size).fill(97));
    },
  });
}

describe("request-size-limit plugin", () => {
  it("passes a body within the limit by Content-Length", async () => {
    const ctx = fakeContext({ init: { method: "POST", body: "x".repeat(100) }, upstream: bodyOf });
    const res = await ctx.run(mw(100));
    expect(await res.json()).toEqual({ size: 100 });
  });

  it("refuses a body over the limit by Content-Length with 413, before reading it", async () => {
    const ctx = fakeContext({ init: { method: "POST", body: "x".repeat(101) } });
    const res = await ctx.run(mw(100));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large" });
    expect(ctx.sent).toHaveLength(0);
  });

  it("counts a chunked body and refuses it once it goes over", async () => {
    const ctx = fakeContext({ init: { method: "POST", body: chunked(11, 10) } });
    expect(ctx.request.headers.get("content-length")).toBeNull();
    const res = await ctx.run(mw(100));
    expect(res.status).toBe(413);
    expect(ctx.sent).toHaveLength(0);
  });

  it("passes a chunked body within the limit, whole", async () => {
    const ctx = fakeContext({ init: { method: "POST", body: chunked(10, 10) }, upstream: bodyOf });
    const res = await ctx.run(mw(100));
    expect(await res.json()).toEqual({ size: 100 });
  });

  it("passes requests without a body, and maxBytes 0 refuses any body", async () => {
    expect((await fakeContext().run(mw(0))).status).toBe(200);
    expect((await fakeContext({ init: { method: "POST", body: "x" } }).run(mw(0))).status).toBe(413);
  });

  it("refuses a config over 100 MiB or not an integer", () => {
    expect(plugin.schema.safeParse({ maxBytes: 100 * 1024 * 1024 + 1 }).success).toBe(false);
    expect(plugin.schema.safeParse({ maxBytes: 1.5 }).success).toBe(false);
    expect(plugin.schema.parse({})).toEqual({ maxBytes: 1024 * 1024 });
  });
});

describe("request-size-limit through the proxy (/gw/<slug>/…)", () => {
  it("413 by Content-Length and by a chunked body's count; a body within the limit arrives whole", async () => {
    const ws = await gatewayWith([{ name: "request-size-limit", config: { maxBytes: 1000 } }]);
    const post = (body: BodyInit) => gw(ws.slug, "/v1/upload", { method: "POST", body });
    const big = await post("x".repeat(1001));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: "payload_too_large" });
    const streamed = await post(chunked(20, 100));
    expect(streamed.status).toBe(413);
    const fits = await post(chunked(10, 100));
    expect(fits.status).toBe(200);
    expect(((await fits.json()) as { body: string }).body).toHaveLength(1000);
  });
});
