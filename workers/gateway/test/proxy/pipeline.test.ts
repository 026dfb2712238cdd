import { ApiError } from "@edgeworks/http";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CompiledConsumer, PluginInstance, PluginName, Snapshot } from "../../src/contract";
import { PLUGINS } from "../../src/plugins/registry";
import { control, type Echo, route, seen, snapshot, through } from "./support";

const plugin = (name: PluginName, config: unknown = {}): PluginInstance => ({ name, config: PLUGINS[name].schema.parse(config) });

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A snapshot whose route is [auth (key), request-size-limit 10 B]; consumer `big` overrides the limit to 1000 B. */
async function withConsumers(): Promise<{ snap: Snapshot; keys: { big: string; small: string } }> {
  const keys = { big: `ewg_${"b".repeat(32)}`, small: `ewg_${"s".repeat(32)}` };
  const consumer = (id: string, plugins: PluginInstance[]): CompiledConsumer => ({ id, username: id, groups: [], jwt: [], plugins });
  const snap = snapshot({
    routes: [route({ plugins: [plugin("auth", { methods: ["key"] }), plugin("request-size-limit", { maxBytes: 10 })] })],
  });
  snap.consumers = {
    csm_big: consumer("csm_big", [plugin("request-size-limit", { maxBytes: 1000 })]),
    csm_small: consumer("csm_small", []),
  };
  snap.keyHashes = { [await sha256Hex(keys.big)]: "csm_big", [await sha256Hex(keys.small)]: "csm_small" };
  return { snap, keys };
}

afterEach(() => vi.restoreAllMocks());

describe("the plugin pipeline", () => {
  it("runs the route's plugins; their response headers reach the client and their changes the upstream", async () => {
    const snap = snapshot({ routes: [route({ plugins: [plugin("request-id")] })] });
    const res = await through(snap, "/v1/x", { headers: { "x-request-id": "client-chosen.1" } });
    expect(res.headers.get("X-Request-Id")).toBe("client-chosen.1");
    expect(((await res.json()) as Echo).headers["x-request-id"]).toBe("client-chosen.1");
  });

  it("a plugin that refuses answers for the route: the upstream is never called", async () => {
    const scope = crypto.randomUUID();
    await control("A", { scope, reset: true });
    const snap = snapshot({ routes: [route({ plugins: [plugin("request-size-limit", { maxBytes: 4 })] })] });
    const res = await through(snap, "/v1/x", { method: "POST", body: "more than four", headers: { "x-fake-scope": scope } });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "payload_too_large" });
    expect(await seen("A", scope)).toEqual([]);
  });

  it("after auth, a consumer's own plugin config replaces the route's", async () => {
    const { snap, keys } = await withConsumers();
    const body = "x".repeat(100);
    const big = await through(snap, "/v1/x", { method: "POST", body, headers: { apikey: keys.big } });
    expect(big.status).toBe(200);
    const echo = (await big.json()) as Echo;
    expect(echo.body).toBe(body);
    expect(echo.headers.apikey).toBeUndefined();
    const small = await through(snap, "/v1/x", { method: "POST", body, headers: { apikey: keys.small } });
    expect(small.status).toBe(413);
    await small.body?.cancel();
    const anonymous = await through(snap, "/v1/x", { method: "POST", body });
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
  });

  it("a plugin's middleware is built once per (route, config), not per request", async () => {
    const create = vi.spyOn(PLUGINS["request-id"], "create");
    const snap = snapshot({ routes: [route({ plugins: [plugin("request-id")] })] });
    for (let i = 0; i < 3; i++) await (await through(snap, "/v1/x")).body?.cancel();
    expect(create).toHaveBeenCalledTimes(1);
  });

  it("a plugin that throws: an ApiError keeps its status; anything else is a bare 500 problem", async () => {
    const create = vi.spyOn(PLUGINS["request-id"], "create");
    create.mockReturnValueOnce(async () => {
      throw new ApiError("forbidden", "Not you");
    });
    create.mockReturnValueOnce(async () => {
      throw new Error("secret internals");
    });
    const forbidden = await through(snapshot({ routes: [route({ plugins: [plugin("request-id")] })] }), "/v1/x");
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: "forbidden", detail: "Not you" });
    const broken = await through(snapshot({ routes: [route({ plugins: [plugin("request-id")] })] }), "/v1/x");
    expect(broken.status).toBe(500);
    const problem = (await broken.json()) as { code: string; detail: string };
    expect(problem).toMatchObject({ code: "internal", detail: "An unexpected error occurred" });
  });

  it("a CORS preflight reaches the cors plugin of a route limited to other methods (it answers; no upstream call)", async () => {
    const scope = crypto.randomUUID();
    const cors = plugin("cors", { origins: ["https://app.example.com"], methods: ["GET", "PUT"] });
    const snap = snapshot({ routes: [route({ methods: ["GET", "PUT"], plugins: [cors] })] });
    const res = await through(snap, `/v1/x?fake-scope=${scope}`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "PUT" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
    expect(await seen("A", scope)).toEqual([]);
    const plain = await through(snap, "/v1/x", { method: "OPTIONS" });
    expect(plain.status).toBe(405);
    await plain.body?.cancel();
  });

  it("a route without a service and no plugin answering → 502 problem", async () => {
    const res = await through(snapshot({ routes: [route({ serviceId: null })] }), "/v1/x");
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: "bad_gateway" });
  });
});
