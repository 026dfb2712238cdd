import { env } from "cloudflare:test";
import { createFakeNet } from "@edgeworks/egress/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CompiledTarget } from "../../src/contract";
import { fetchTarget, TargetFetchError } from "../../src/proxy/target-fetch";

const binding = (name: string): CompiledTarget => ({ id: `tgt_${name}`, url: null, binding: name, weight: 100 });
const urlTarget = (url: string): CompiledTarget => ({ id: "tgt_url", url, binding: null, weight: 100 });
const devEnv = { ...env, DEV_MODE: "true" } as Env;
const prodEnv = { ...env, DEV_MODE: "false" } as Env;

async function refusal(run: Promise<unknown>): Promise<string> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TargetFetchError);
  return (error as TargetFetchError).code;
}

afterEach(() => vi.restoreAllMocks());

describe("fetchTarget over an allow-listed binding", () => {
  it("sends method, path, query, headers and body to the fake upstream, which echoes them", async () => {
    const res = await fetchTarget(
      env,
      binding("UPSTREAM_B"),
      new Request("https://ignored.test/v1/echo?a=1", { method: "POST", body: "hello", headers: { "x-test": "yes" } }),
      { timeoutMs: 5000 },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Upstream")).toBe("B");
    const echo = (await res.json()) as {
      name: string;
      method: string;
      path: string;
      query: object;
      headers: Record<string, string>;
      body: string;
    };
    expect(echo).toMatchObject({ name: "B", method: "POST", path: "/v1/echo", query: { a: "1" }, body: "hello" });
    expect(echo.headers["x-test"]).toBe("yes");
  });

  it("answers the status the request asks for and fails the next N of a scope", async () => {
    const scope = crypto.randomUUID();
    const req = (path: string) => new Request(`https://x${path}`, { headers: { "x-fake-scope": scope } });
    await fetchTarget(
      env,
      binding("UPSTREAM_A"),
      new Request("https://x/__control", { method: "POST", body: JSON.stringify({ scope, failNext: 2 }) }),
      {
        timeoutMs: 5000,
      },
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetchTarget(env, binding("UPSTREAM_A"), req("/h"), { timeoutMs: 5000 })).status);
    expect(statuses).toEqual([503, 503, 200]);
    const teapot = await fetchTarget(env, binding("UPSTREAM_A"), req("/h?fake-status=418"), { timeoutMs: 5000 });
    expect(teapot.status).toBe(418);
    const state = await fetchTarget(env, binding("UPSTREAM_A"), new Request(`https://x/__control?fake-scope=${scope}`), {
      timeoutMs: 5000,
    });
    expect(await state.json()).toEqual({ name: "A", hits: 4, methods: ["GET", "GET", "GET", "GET"] });
  });

  it("times out without response headers in time (the upstream is slow)", async () => {
    const slow = new Request("https://x/slow", { headers: { "x-fake-delay-ms": "2000" } });
    expect(await refusal(fetchTarget(env, binding("UPSTREAM_C"), slow, { timeoutMs: 50 }))).toBe("timeout");
  });

  it("a throwing upstream is a network failure", async () => {
    const boom = new Request("https://x/boom", { headers: { "x-fake-throw": "1" } });
    expect(await refusal(fetchTarget(env, binding("UPSTREAM_C"), boom, { timeoutMs: 5000 }))).toBe("network");
  });

  it("refuses a binding that is not in UPSTREAM_BINDINGS, even one the Worker has", async () => {
    expect(await refusal(fetchTarget(env, binding("ACCOUNTS"), new Request("https://x/"), { timeoutMs: 5000 }))).toBe("refused");
    expect(await refusal(fetchTarget(env, binding("UPSTREAM_Z"), new Request("https://x/"), { timeoutMs: 5000 }))).toBe("refused");
  });
});

describe("fetchTarget to a URL", () => {
  it("fetches a public https target after its DNS verdict, keeping the base path, redirects manual", async () => {
    const net = createFakeNet();
    net.upstreams.set("api.example.com", () => new Response(null, { status: 302, headers: { Location: "http://10.0.0.1/" } }));
    vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
    const res = await fetchTarget(prodEnv, urlTarget("https://api.example.com/base"), new Request("https://x/v1/a?b=2"), {
      timeoutMs: 5000,
    });
    expect(res.status).toBe(302);
    expect(net.requests.map((r) => r.url)).toEqual(["https://api.example.com/base/v1/a?b=2"]);
    expect(net.queries.sort()).toEqual(["api.example.com/A", "api.example.com/AAAA"]);
  });

  it("refuses a host that resolves to a private address, before sending anything", async () => {
    const net = createFakeNet();
    net.zone.set("intranet.example.org", { A: ["10.1.2.3"] });
    vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
    expect(
      await refusal(fetchTarget(prodEnv, urlTarget("https://intranet.example.org"), new Request("https://x/"), { timeoutMs: 5000 })),
    ).toBe("refused");
    expect(net.requests).toEqual([]);
  });

  it("fails closed when DNS fails", async () => {
    const net = createFakeNet();
    net.dohMode = "servfail";
    vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
    expect(
      await refusal(fetchTarget(prodEnv, urlTarget("https://dnsfail.example.net"), new Request("https://x/"), { timeoutMs: 5000 })),
    ).toBe("dns_failed");
    expect(net.requests).toEqual([]);
  });

  it("refuses private literals, plain http and loopback outside dev; allows loopback in dev", async () => {
    const net = createFakeNet();
    net.upstreams.set("127.0.0.1:9999", () => new Response("dev"));
    vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
    for (const url of [
      "https://169.254.169.254",
      "https://10.0.0.1",
      "http://api.example.com",
      "http://127.0.0.1:9999",
      "https://localhost",
    ])
      expect(await refusal(fetchTarget(prodEnv, urlTarget(url), new Request("https://x/"), { timeoutMs: 5000 }))).toBe("refused");
    expect(net.requests).toEqual([]);
    const res = await fetchTarget(devEnv, urlTarget("http://127.0.0.1:9999"), new Request("https://x/p"), { timeoutMs: 5000 });
    expect(await res.text()).toBe("dev");
    expect(net.queries).toEqual([]);
  });
});
