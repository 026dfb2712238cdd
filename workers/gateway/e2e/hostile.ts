import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Admin,
  adminFor,
  devUrl,
  type Echo,
  eventually,
  expectProblem,
  gwJson,
  rawRequest,
  rawSocket,
  signUp,
  slugOf,
} from "./harness";
import { startUpstream, type Upstream } from "./upstream";

// Hostile input from outside, through the front door: SSRF targets and header-injecting transforms in config
// (422, nothing saved), CR/NUL in a request header, oversized headers (431) and bodies (413, declared or
// streamed), path traversal into /gw/<ws>/../admin in every spelling, and a stranger to the workspace. Every
// case checks that the upstream saw nothing.

let admin: Admin;
let slug: string;
let upstream: Upstream;

/** Registers this file's tests (gateway.e2e.test.ts runs them against its dev server). */
export function hostileSuite(): void {
  describe("hostile input (e2e/hostile.ts)", () => {
    beforeAll(async () => {
      upstream = await startUpstream("t");
      admin = adminFor(await signUp("hostile"));
      slug = slugOf("hostile");
      await admin.ok("POST", "/workspaces", { slug, name: "Hostile e2e" }, 201);
      await admin.ok("PUT", `/workspaces/${slug}/config`, {
        services: [{ name: "api", targets: [{ url: upstream.url }] }],
        routes: [
          { name: "everything", paths: ["/*"], service: "api", plugins: [{ name: "request-size-limit", config: { maxBytes: 1024 } }] },
        ],
      });
      await eventually(
        "config in effect",
        async () => (await gwJson(slug, "/v1/ping")).status,
        (s) => s === 200,
        15_000,
      );
    });
    afterAll(async () => {
      await upstream?.stop();
    });

    /** The workspace's config version: a refused write must leave it where it was. */
    const version = async () => (await admin.ok<{ version: number }>("GET", `/workspaces/${slug}/config`)).version;

    describe("config that would open the gateway up is refused", () => {
      it("SSRF targets (cloud metadata, private, link-local, credentials, plain http, other schemes, unlisted bindings) are 422", async () => {
        const before = await version();
        const bad: Record<string, unknown>[] = [
          { url: "http://169.254.169.254/latest/meta-data" },
          { url: "https://169.254.169.254" },
          { url: "http://10.0.0.1" },
          { url: "https://10.0.0.1:8443" },
          { url: "https://192.168.1.1" },
          { url: "https://[fd00::1]" },
          { url: "https://[::ffff:169.254.169.254]" },
          { url: "https://user:secret@example.com" },
          { url: "http://example.com" },
          { url: "file:///etc/passwd" },
          { binding: "ACCOUNTS" },
          { url: "https://example.com", binding: "ACCOUNTS" },
        ];
        for (const target of bad) {
          const r = await admin.call("POST", `/workspaces/${slug}/services`, { name: "evil", targets: [target] });
          const problem = expectProblem(r, 422, "validation_failed");
          expect(problem.errors?.some((e) => e.path.startsWith("targets") || e.path.includes("targets["))).toBe(true);
        }
        const imported = await admin.call("PUT", `/workspaces/${slug}/config`, {
          services: [{ name: "api", targets: [{ url: "http://169.254.169.254" }] }],
          routes: [{ name: "everything", paths: ["/*"], service: "api" }],
        });
        expect(expectProblem(imported, 422, "validation_failed").errors?.[0]?.path).toMatch(/^services\[0\]\.targets\[0\]/);
        expect(await version()).toBe(before);
      });

      it("a transform that would write CR/LF or a bad name into a header is 422", async () => {
        const before = await version();
        for (const headers of [
          { add: { "X-Note": "a\r\nSet-Cookie: pwned=1" } },
          { add: { "X-Note": "nul\u0000byte" } },
          { add: { "Bad Name": "x" } },
        ]) {
          const r = await admin.call("POST", `/workspaces/${slug}/routes`, {
            name: "inject",
            paths: ["/inject"],
            service: "api",
            plugins: [{ name: "transform", config: { request: { headers } } }],
          });
          expect(expectProblem(r, 422, "validation_failed").errors?.[0]?.path).toMatch(/plugins\[0\]\.config/);
        }
        expect(await version()).toBe(before);
      });
    });

    describe("hostile requests", () => {
      it("a CR or LF inside a header value never reaches the upstream inside a value; a NUL is refused", async () => {
        // wrangler dev's HTTP server (like most) ends a header line at a bare CR or LF: the rest becomes a header of
        // its own, which the client could as well have sent as one. What matters is that no value forwarded
        // upstream carries CR/LF (which would split the upstream request), whatever the front end made of it.
        for (const [i, value] of ["a\rInjected: yes", "a\nInjected: yes", "a\r\n Injected: folded"].entries()) {
          const r = await rawSocket(
            `GET /gw/${slug}/v1/crlf-${i} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Evil: ${value}\r\nConnection: close\r\n\r\n`,
          );
          expect([200, 400]).toContain(r.status);
          const seen = upstream.seen.find((s) => s.path === `/v1/crlf-${i}`);
          if (r.status === 400) expect(seen).toBeUndefined();
          for (const v of Object.values(seen?.headers ?? {})) expect(v).not.toMatch(/[\r\n]/);
        }
        const hits = upstream.hits;
        const nul = await rawSocket(`GET /gw/${slug}/v1/nul HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Evil: a\u0000b\r\nConnection: close\r\n\r\n`);
        expect(nul.status).toBe(400);
        expect(upstream.hits).toBe(hits);
      });

      it("one header over 8 KiB is a 431 problem; over 32 KiB in all is a 431", async () => {
        const hits = upstream.hits;
        expectProblem(await gwJson(slug, "/v1/big", { headers: { "X-Big": "x".repeat(9 * 1024) } }), 431, "headers_too_large");
        const many: Record<string, string> = {};
        for (let i = 0; i < 6; i++) many[`X-Part-${i}`] = "y".repeat(6 * 1024);
        const r = await rawRequest(`/gw/${slug}/v1/big`, { headers: many });
        expect(r.status).toBe(431);
        expect(upstream.hits).toBe(hits);
        // just under the limits is fine
        const fine = await gwJson<Echo>(slug, "/v1/big", { headers: { "X-Big": "x".repeat(7 * 1024) } });
        expect(fine.status).toBe(200);
        expect(fine.body.headers["x-big"]).toHaveLength(7 * 1024);
      });

      it("a body over request-size-limit is a 413, whether declared by Content-Length or streamed in chunks", async () => {
        const hits = upstream.hits;
        expectProblem(await gwJson(slug, "/v1/upload", { method: "POST", body: "z".repeat(2048) }), 413, "payload_too_large");
        const streamed = await new Promise<{ status: number; type: string }>((resolve, reject) => {
          const url = new URL(devUrl());
          const req = httpRequest({ host: url.hostname, port: url.port, path: `/gw/${slug}/v1/upload`, method: "POST" }, (res) => {
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]) }));
          });
          req.on("error", reject);
          // no Content-Length: Transfer-Encoding chunked, four chunks of 512 bytes
          for (let i = 0; i < 4; i++) req.write("w".repeat(512));
          req.end();
        });
        expect(streamed).toMatchObject({ status: 413, type: expect.stringContaining("problem+json") });
        expect(upstream.hitsOn("/v1/upload")).toBe(0);
        expect(upstream.hits).toBe(hits);
        const fits = await gwJson<Echo>(slug, "/v1/upload", { method: "POST", body: "z".repeat(1000) });
        expect({ status: fits.status, bodyBytes: fits.body.bodyBytes }, JSON.stringify(fits.body).slice(0, 600)).toEqual({
          status: 200,
          bodyBytes: 1000,
        });
      });

      it("path traversal out of the workspace, in every spelling, never reaches an upstream", async () => {
        const hits = upstream.hits;
        // The runtime's URL parser resolves plain and %2e dot segments before any Worker runs: `/gw/<ws>/../admin`
        // arrives as `/gw/admin` (another workspace slug: 404) and `/gw/<ws>/../../gateway/v1/…` as the admin API
        // itself, which answers as to any caller without credentials (401).
        const resolved: [string, number][] = [
          [`/gw/${slug}/../admin`, 404],
          [`/gw/${slug}/%2e%2e/admin`, 404],
          [`/gw/${slug}/.%2e/admin`, 404],
          [`/gw/${slug}/..\\admin`, 404], // a backslash is a slash to the URL parser
          [`/gw/${slug}/../../gateway/v1/workspaces`, 401],
          [`/gw/${slug}/%2E%2e/%2e%2E/gateway/v1/workspaces`, 401],
        ];
        for (const [path, status] of resolved) {
          const r = await rawRequest(path);
          expect({ path, status: r.status, type: r.headers["content-type"] }).toEqual({
            path,
            status,
            type: expect.stringContaining("problem+json"),
          });
        }
        // what survives the parser (encoded separators, double-encoded dots, backslashes, NUL, `//`) the proxy refuses
        const survivors = [
          `/gw/${slug}/v1/%252e%252e/admin`,
          `/gw/${slug}/v1/..%2f..%2fadmin`,
          `/gw/${slug}/v1/%2e%2e%2f%2e%2e%2fadmin`,
          `/gw/${slug}/v1/%2e%2e%5cadmin`,
          `/gw/${slug}//admin`,
          `/gw/${slug}/v1/%00/admin`,
        ];
        for (const path of survivors) {
          const r = await rawRequest(path);
          const code = r.status === 400 ? (JSON.parse(r.text) as { code: string }).code : undefined;
          expect({ path, status: r.status, code }).toEqual({ path, status: 400, code: "bad_request" });
        }
        expect(upstream.hits).toBe(hits);
        expect(upstream.seen.some((s) => s.path.includes("..") || s.path.includes("admin"))).toBe(false);
      });
    });

    describe("strangers", () => {
      it("a user who is not a member gets 404 for the workspace and everything in it, and changes nothing", async () => {
        const stranger = adminFor(await signUp("stranger"));
        const before = await version();
        for (const path of ["", "/config", "/services", "/routes", "/consumers", "/config/versions", "/status"]) {
          expectProblem(await stranger.call("GET", `/workspaces/${slug}${path}`), 404, "not_found");
        }
        expectProblem(await stranger.call("PUT", `/workspaces/${slug}/config`, { services: [], routes: [] }), 404, "not_found");
        expectProblem(await stranger.call("POST", `/workspaces/${slug}/cache/purge`, { route: "everything" }), 404, "not_found");
        expect(await version()).toBe(before);
        // and the slug is taken: a stranger cannot create it again
        expectProblem(await stranger.call("POST", "/workspaces", { slug, name: "Squatter" }), 409, "conflict");
      });
    });
  });
}
