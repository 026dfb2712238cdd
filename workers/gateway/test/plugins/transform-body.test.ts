// transform: JSON body field mapping both ways, Content-Length after the change, and the size cap.
import { describe, expect, it } from "vitest";
import { plugin } from "../../src/plugins/transform";
import type { SentCall } from "../support/context";
import { fakeContext } from "../support/context";

/** The upstream echoes the body it got (and its Content-Length) as JSON. */
const echoBody = async (call: SentCall) =>
  Response.json({ length: call.request.headers.get("content-length"), body: await call.request.text() });

const post = (body: string, headers: Record<string, string> = {}) => ({
  request: "/v1/users",
  init: {
    method: "POST",
    body,
    headers: { "content-type": "application/json", "content-length": String(new TextEncoder().encode(body).byteLength), ...headers },
  },
});

/** A body stream with no Content-Length, in chunks of `size` bytes. */
function chunked(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.byteLength) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

const requestMapping = plugin.schema.parse({
  request: {
    body: {
      remove: ["password", "meta.internal"],
      rename: { user_name: "user.name" },
      add: { "meta.via": "gateway", source: { kind: "gw" } },
    },
  },
});

describe("transform JSON bodies", () => {
  it("maps the request body (remove, rename into nested, add constants) and fixes Content-Length", async () => {
    const input = JSON.stringify({ user_name: "ada", password: "x", source: "spoofed", meta: { internal: 1, keep: true } });
    const ctx = fakeContext({ ...post(input), upstream: echoBody });
    const res = await ctx.run(plugin.create(requestMapping, ctx.route));
    const got = (await res.json()) as { length: string; body: string };
    expect(JSON.parse(got.body)).toEqual({ source: { kind: "gw" }, meta: { keep: true, via: "gateway" }, user: { name: "ada" } });
    expect(got.length).toBe(String(new TextEncoder().encode(got.body).byteLength));
  });

  it("maps the response body and drops what described the old bytes", async () => {
    const config = plugin.schema.parse({ response: { body: { remove: ["secret"], rename: { a: "b.c" }, add: { v: 2 } } } });
    const upstream = () =>
      new Response(JSON.stringify({ a: "é", secret: "s3cr3t", keep: [1, 2] }), {
        headers: { "content-type": "application/json; charset=utf-8", etag: '"abc"', "content-length": "44" },
      });
    const ctx = fakeContext({ upstream });
    const res = await ctx.run(plugin.create(config, ctx.route));
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ keep: [1, 2], b: { c: "é" }, v: 2 });
    expect(res.headers.get("content-length")).toBe(String(new TextEncoder().encode(text).byteLength));
    expect(res.headers.has("etag")).toBe(false);
  });

  it("leaves a body over maxBodyBytes untouched, by Content-Length or by counting a chunked stream", async () => {
    const config = plugin.schema.parse({ ...requestMapping, maxBodyBytes: 32 });
    const big = JSON.stringify({ password: "x", pad: "y".repeat(100) });
    const byLength = fakeContext({ ...post(big), upstream: echoBody });
    const a = (await (await byLength.run(plugin.create(config, byLength.route))).json()) as { body: string };
    expect(a.body).toBe(big);

    const stream = new Request("http://gateway.test/gw/test/v1/users", {
      method: "POST",
      body: chunked(big, 10),
      headers: { "content-type": "application/json" },
    });
    const byCount = fakeContext({ request: stream, upstream: echoBody });
    const b = (await (await byCount.run(plugin.create(config, byCount.route))).json()) as { body: string };
    expect(b.body).toBe(big);
  });

  it("refuses an oversized request body with 413 when strict, before the upstream", async () => {
    const config = plugin.schema.parse({ ...requestMapping, maxBodyBytes: 32, strict: true });
    const ctx = fakeContext({ ...post(JSON.stringify({ pad: "y".repeat(100) })), upstream: echoBody });
    const res = await ctx.run(plugin.create(config, ctx.route));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe("payload_too_large");
    expect(ctx.sent).toHaveLength(0);
  });

  it("refuses an oversized response with 502 when strict (a removed field never leaks unmapped)", async () => {
    const config = plugin.schema.parse({ response: { body: { remove: ["secret"] } }, maxBodyBytes: 16, strict: true });
    const upstream = () => Response.json({ secret: "s3cr3t", pad: "y".repeat(64) });
    const ctx = fakeContext({ upstream });
    const res = await ctx.run(plugin.create(config, ctx.route));
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain("s3cr3t");
  });

  it("passes non-JSON and invalid JSON through untouched (400 when strict)", async () => {
    const form = fakeContext({ ...post("password=x", { "content-type": "text/plain" }), upstream: echoBody });
    expect(((await (await form.run(plugin.create(requestMapping, form.route))).json()) as { body: string }).body).toBe("password=x");

    const broken = fakeContext({ ...post('{"password": '), upstream: echoBody });
    expect(((await (await broken.run(plugin.create(requestMapping, broken.route))).json()) as { body: string }).body).toBe('{"password": ');

    const strict = plugin.schema.parse({ ...requestMapping, strict: true });
    const refused = fakeContext({ ...post('{"password": '), upstream: echoBody });
    const res = await refused.run(plugin.create(strict, refused.route));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("malformed_json");
    expect(refused.sent).toHaveLength(0);
  });

  it("leaves arrays and scalars alone and never touches Object.prototype", async () => {
    const ctx = fakeContext({ ...post(JSON.stringify([{ password: "x" }])), upstream: echoBody });
    const got = (await (await ctx.run(plugin.create(requestMapping, ctx.route))).json()) as { body: string };
    expect(JSON.parse(got.body)).toEqual([{ password: "x" }]);
    const proto = fakeContext({ ...post('{"__proto__": {"polluted": 1}, "user_name": "a"}'), upstream: echoBody });
    await proto.run(plugin.create(requestMapping, proto.route));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
