import { createExecutionContext, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { proxyBySlug } from "../../src/proxy/handle";
import { route, seen, snapshot, through } from "./support";

const PROBLEM = "application/problem+json";

async function expectProblem(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe(PROBLEM);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code });
  return body;
}

describe("early refusals (before the snapshot is read)", () => {
  const snap = snapshot();
  const scope = crypto.randomUUID();

  it.each([
    ["/v1/..%2fadmin", "encoded slash after dots"],
    ["/v1/%2e%2e%2fadmin", "all encoded"],
    ["/v1/%252e%252e/admin", "double-encoded dots"],
    ["/v1/a%2fb", "encoded slash"],
    ["/v1/a%5cb", "encoded backslash"],
    ["/v1/a%00b", "NUL"],
    ["/v1/a%0d%0aX-Injected:%201", "CRLF"],
    ["/v1//admin", "empty segment"],
    ["/v1/%zz", "malformed escape"],
  ])("%s (%s) → 400 and nothing reaches the upstream", async (path) => {
    const res = await through(snap, `${path}?fake-scope=${scope}`);
    await expectProblem(res, 400, "bad_request");
    expect([...(await seen("A", scope)), ...(await seen("B", scope)), ...(await seen("C", scope))]).toEqual([]);
  });

  it("/gw/<ws>/../admin is resolved by the URL parser to /gw/admin: another (unknown) workspace, 404", async () => {
    const res = await SELF.fetch("http://gateway.test/gw/some-ws/../admin");
    const body = await expectProblem(res, 404, "not_found");
    expect(body.detail).toBe("Workspace not found");
    const encoded = await SELF.fetch("http://gateway.test/gw/some-ws/%2e%2e/admin");
    await expectProblem(encoded, 404, "not_found");
  });

  it("a header over 8 KiB → 431; headers over 32 KiB in all → 431", async () => {
    await expectProblem(await through(snap, "/v1/x", { headers: { "x-big": "a".repeat(8200) } }), 431, "headers_too_large");
    const many = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`x-h${i}`, "b".repeat(7000)]));
    await expectProblem(await through(snap, "/v1/x", { headers: many }), 431, "headers_too_large");
  });

  it("a URL over 8 KiB → 400", async () => {
    await expectProblem(await through(snap, `/v1/x?q=${"a".repeat(8200)}`), 400, "bad_request");
  });

  it("CR/LF cannot be put into a header value by a client", () => {
    expect(() => new Headers({ "x-a": "1\r\nX-Injected: 1" })).toThrow();
  });
});

describe("workspace and route misses", () => {
  it("an unknown workspace → 404 through the Worker's own fetch", async () => {
    const res = await SELF.fetch("http://gateway.test/gw/no-such-workspace-here/v1/x");
    await expectProblem(res, 404, "not_found");
    await expectProblem(await SELF.fetch("http://gateway.test/gw/Not_A_Slug/v1"), 404, "not_found");
    await expectProblem(await SELF.fetch("http://gateway.test/gw/"), 404, "not_found");
  });

  it("no route → 404 'No route matches'", async () => {
    const body = await expectProblem(await through(snapshot(), "/v2/x"), 404, "not_found");
    expect(body.detail).toBe("No route matches GET /v2/x");
  });

  it("the path matches but the method does not → 405 with Allow", async () => {
    const snap = snapshot({
      routes: [route({ id: "rte_get", methods: ["GET", "HEAD"] }), route({ id: "rte_put", name: "p", methods: ["PUT"] })],
    });
    const res = await through(snap, "/v1/x", { method: "POST", body: "{}" });
    await expectProblem(res, 405, "method_not_allowed");
    expect(res.headers.get("Allow")).toBe("GET, HEAD, PUT");
  });

  it("a config store that cannot be read is a 503 problem with Retry-After, never an exception", async () => {
    const url = new URL("http://gateway.test/gw/some-workspace/v1/x");
    const res = await proxyBySlug(new Request(url), env, createExecutionContext(), url, async () => {
      throw new Error("D1_ERROR: database is locked");
    });
    const body = await expectProblem(res, 503, "service_unavailable");
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(JSON.stringify(body)).not.toContain("D1_ERROR");
  });

  it("anything the proxy throws past the plugins is a 500 problem without details", async () => {
    const snap = snapshot();
    const url = new URL(`http://gateway.test/gw/${snap.slug}/v1/x`);
    // a snapshot whose routes cannot be walked: the router itself throws
    const broken = { ...snap, routes: null } as unknown as typeof snap;
    const res = await proxyBySlug(new Request(url), env, createExecutionContext(), url, async () => broken);
    const body = await expectProblem(res, 500, "internal");
    expect(JSON.stringify(body)).not.toMatch(/TypeError|null|at /);
  });

  it("the admin app still answers /gateway/…", async () => {
    const res = await SELF.fetch("http://gateway.test/gateway/health");
    expect(res.status).toBe(200);
  });
});
