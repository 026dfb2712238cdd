import { env } from "cloudflare:test";
import { createFakeNet, type FakeNet, hang } from "@edgeworks/egress/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BUILTIN_HANDLERS, PermanentError } from "../../src/handlers/registry";
import { makeContext } from "./context";

const SECRET = "test-signing-secret";
const signedEnv = { ...env, JOBS_SIGNING_SECRET: SECRET } as Env;
let net: FakeNet;
let n = 0;
const fresh = (label: string) => `${label}-${Date.now().toString(36)}-${++n}.example.org`;
const { handler, payload: schema } = BUILTIN_HANDLERS["http.request"]!;

function run(payload: unknown, options: { attempt?: number; id?: string; signal?: AbortSignal; env?: Env } = {}) {
  const { ctx, logs } = makeContext({ env: signedEnv, name: "http.request", ...options });
  return { promise: handler(payload, ctx), logs, job: ctx.job };
}
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as Error,
  );

async function expectedSignature(header: string, body: string) {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  expect(match).not.toBeNull();
  const [, t, v1] = match as RegExpExecArray;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const bytes = new Uint8Array((v1 as string).match(/../g)!.map((h) => Number.parseInt(h, 16)));
  const valid = await crypto.subtle.verify("HMAC", key, bytes, new TextEncoder().encode(`${t}.${body}`));
  return { valid, t: Number(t) };
}

beforeEach(() => {
  net = createFakeNet();
  vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("http.request delivers signed requests", () => {
  it("POSTs the JSON body with the signature, job id and idempotency key; returns status, kept headers and JSON body", async () => {
    const host = fresh("hooks");
    net.upstreams.set(host, () =>
      Response.json({ received: true }, { status: 202, headers: { "x-request-id": "req-1", "set-cookie": "s=1", server: "x" } }),
    );
    const before = Math.floor(Date.now() / 1000);
    const { promise, job, logs } = run({ url: `https://${host}/in?x=1`, body: { order: 42, note: "é" }, headers: { "X-Custom": "yes" } });
    expect(await promise).toEqual({
      status: 202,
      url: `https://${host}/in?x=1`,
      headers: { "content-type": "application/json", "x-request-id": "req-1" },
      body: { received: true },
      truncated: false,
    });
    const [sent] = net.requests;
    expect(sent).toMatchObject({ method: "POST", url: `https://${host}/in?x=1`, body: '{"order":42,"note":"é"}' });
    expect(sent?.headers).toMatchObject({
      "content-type": "application/json",
      "x-custom": "yes",
      "x-edgeworks-job-id": job.id,
      "idempotency-key": job.id,
      "user-agent": "Edgeworks-Jobs/1 (http.request)",
    });
    const signature = await expectedSignature(sent?.headers["x-edgeworks-signature"] as string, sent?.body as string);
    expect(signature.valid).toBe(true);
    expect(signature.t).toBeGreaterThanOrEqual(before);
    expect(signature.t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(logs).toEqual([`POST https://${host}/in?x=1`, `202 from https://${host}/in?x=1`]);
  });

  it("a retry carries the same Idempotency-Key; a wrong secret would not verify", async () => {
    const host = fresh("retry");
    net.upstreams.set(host, () => new Response(null, { status: 204 }));
    const id = "j_q_abcdefghijkl_retry1";
    await run({ url: `https://${host}/`, body: [1] }, { id, attempt: 1 }).promise;
    await run({ url: `https://${host}/`, body: [1] }, { id, attempt: 2 }).promise;
    expect(net.requests.map((r) => r.headers["idempotency-key"])).toEqual([id, id]);
    const tampered = await expectedSignature(net.requests[0]?.headers["x-edgeworks-signature"] as string, "[2]");
    expect(tampered.valid).toBe(false);
  });

  it("GET sends no body and no content type, signs the empty body; text answers come back as text", async () => {
    const host = fresh("get");
    net.upstreams.set(host, () => new Response("pong", { headers: { "content-type": "text/plain; charset=utf-8" } }));
    const result = await run({ url: `https://${host}/ping`, method: "GET" }).promise;
    expect(result).toMatchObject({ status: 200, body: "pong", truncated: false });
    const [sent] = net.requests;
    expect(sent).toMatchObject({ method: "GET", body: "" });
    expect(sent?.headers["content-type"]).toBeUndefined();
    expect((await expectedSignature(sent?.headers["x-edgeworks-signature"] as string, "")).valid).toBe(true);
  });

  it.each(["PUT", "PATCH", "DELETE"])("%s is sent as asked", async (method) => {
    const host = fresh("m");
    net.upstreams.set(host, () => new Response(null, { status: 200 }));
    await expect(run({ url: `https://${host}/`, method, body: { a: 1 } }).promise).resolves.toMatchObject({ status: 200, body: null });
    expect(net.requests.map((r) => r.method)).toEqual([method]);
  });

  it("binary answers are left out; bodies over 64 KiB are cut and marked", async () => {
    const host = fresh("big");
    net.upstreams.set(host, (request) =>
      new URL(request.url).pathname === "/bin"
        ? new Response(new Uint8Array([0, 1, 2]), { headers: { "content-type": "application/octet-stream" } })
        : new Response("a".repeat(100_000), { headers: { "content-type": "text/plain" } }),
    );
    await expect(run({ url: `https://${host}/bin` }).promise).resolves.toMatchObject({ body: null, truncated: false });
    const big = (await run({ url: `https://${host}/text` }).promise) as { body: string; truncated: boolean };
    expect(big.truncated).toBe(true);
    expect(big.body).toBe("a".repeat(64 * 1024));
  });

  it("a body of control characters is cut so the result stays under the job's result limit", async () => {
    const host = fresh("ctl");
    net.upstreams.set(host, () => new Response("\u0001".repeat(60_000), { headers: { "content-type": "text/plain" } }));
    const result = (await run({ url: `https://${host}/` }).promise) as { body: string; truncated: boolean };
    expect(result.truncated).toBe(true);
    expect(JSON.stringify(result).length).toBeLessThan(100 * 1024);
  });

  it("follows a redirect to another public host", async () => {
    const [a, b] = [fresh("a"), fresh("b")];
    net.upstreams.set(a, () => new Response(null, { status: 308, headers: { location: `https://${b}/moved` } }));
    net.upstreams.set(b, () => new Response("ok", { headers: { "content-type": "text/plain" } }));
    const { promise, logs } = run({ url: `https://${a}/`, body: {} });
    await expect(promise).resolves.toMatchObject({ status: 200, url: `https://${b}/moved`, body: "ok" });
    expect(logs.at(-1)).toBe(`200 from https://${b}/moved after 1 redirect(s)`);
  });
});

describe("http.request: which failures retry", () => {
  it.each([400, 401, 403, 404, 410, 422])("%i is permanent (no retry), with the status and a snippet", async (status) => {
    const host = fresh("perm");
    net.upstreams.set(host, () => Response.json({ error: "nope" }, { status }));
    const error = await failureOf(run({ url: `https://${host}/x` }).promise);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe(`POST https://${host}/x answered ${status}: {"error":"nope"}`);
  });

  it.each([408, 429, 500, 502, 503])("%i is retried", async (status) => {
    const host = fresh("retry");
    net.upstreams.set(host, () => new Response(null, { status }));
    const error = await failureOf(run({ url: `https://${host}/x` }).promise);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error.message).toBe(`POST https://${host}/x answered ${status}`);
  });

  it("a timeout is retried", async () => {
    const host = fresh("slow");
    net.upstreams.set(host, (request) => hang(request.signal));
    const error = await failureOf(run({ url: `https://${host}/`, timeoutMs: 100 }).promise);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error.message).toBe("No complete answer within 100 ms");
  });

  it("a network error is retried", async () => {
    const error = await failureOf(run({ url: `https://${fresh("down")}/` }).promise);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(error.message).toContain("Network connection lost");
  });

  it("a failing DNS check is retried (fail closed: nothing sent)", async () => {
    const host = fresh("servfail");
    net.upstreams.set(host, () => new Response("ok"));
    net.dohMode = "servfail";
    const error = await failureOf(run({ url: `https://${host}/` }).promise);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(net.requests).toEqual([]);
  });

  it("a cancel stops the request with the job's abort reason", async () => {
    const host = fresh("cancel");
    net.upstreams.set(host, (request) => hang(request.signal));
    const controller = new AbortController();
    const { promise } = run({ url: `https://${host}/` }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("cancelled by user")), 10);
    const error = await failureOf(promise);
    expect(error.message).toBe("cancelled by user");
    expect(error).not.toBeInstanceOf(PermanentError);
  });

  it("without JOBS_SIGNING_SECRET nothing is sent (retryable: a deploy fixes it)", async () => {
    const host = fresh("nosecret");
    net.upstreams.set(host, () => new Response("ok"));
    const error = await failureOf(run({ url: `https://${host}/` }, { env: { ...env, JOBS_SIGNING_SECRET: " " } as Env }).promise);
    expect(error.message).toBe("JOBS_SIGNING_SECRET is not configured");
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(net.requests).toEqual([]);
  });
});

describe("http.request refuses private destinations (SSRF)", () => {
  it.each([
    "http://127.0.0.1/",
    "http://10.0.0.8/hook",
    "http://172.16.5.4/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://localhost:8787/jobs/v1/queues",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://10.0.0.1.nip.io/",
    "https://user:pw@example.com/",
    "https://example.com:6379/",
    "ftp://example.com/",
  ])("%s: refused at submit (schema) and at run time (PermanentError), nothing sent", async (url) => {
    expect(schema.safeParse({ url }).success).toBe(false);
    const error = await failureOf(run({ url }).promise);
    expect(error).toBeInstanceOf(PermanentError);
    expect(net.requests).toEqual([]);
  });

  it("a public name that resolves to a private address: permanent, nothing sent", async () => {
    const host = fresh("rebind");
    net.zone.set(host, { A: ["169.254.169.254"] });
    net.upstreams.set(host, () => new Response("metadata"));
    expect(schema.safeParse({ url: `https://${host}/` }).success).toBe(true);
    const error = await failureOf(run({ url: `https://${host}/` }).promise);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe(`${host} resolves to a private address (169.254.169.254)`);
    expect(net.requests).toEqual([]);
  });

  it.each(["http://127.0.0.1/admin", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/", "http://0x7f000001/"])(
    "a redirect to %s is refused and never followed",
    async (location) => {
      const host = fresh("redir");
      net.upstreams.set(host, () => new Response(null, { status: 302, headers: { location } }));
      const error = await failureOf(run({ url: `https://${host}/` }).promise);
      expect(error).toBeInstanceOf(PermanentError);
      expect(net.requests.map((r) => r.url)).toEqual([`https://${host}/`]);
    },
  );

  it("more than 3 redirects: permanent", async () => {
    const host = fresh("loop");
    net.upstreams.set(host, () => new Response(null, { status: 302, headers: { location: "/again" } }));
    const error = await failureOf(run({ url: `https://${host}/` }).promise);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe("More than 3 redirects");
    expect(net.requests).toHaveLength(4);
  });
});

describe("http.request payloads", () => {
  it("defaults: POST, 10 s", () => {
    expect(schema.parse({ url: "https://example.com/" })).toEqual({ url: "https://example.com/", method: "POST", timeoutMs: 10_000 });
  });

  it.each([
    ["a CRLF in a header value", { headers: { "X-A": "b\r\nX-Injected: 1" } }],
    ["a LF in a header value", { headers: { "X-A": "b\nc" } }],
    ["a NUL in a header value", { headers: { "X-A": "b\u0000" } }],
    ["a non-ASCII header value", { headers: { "X-A": "é" } }],
    ["a space in a header name", { headers: { "X Bad": "1" } }],
    ["a colon in a header name", { headers: { "X-A:b": "1" } }],
    ["an empty header name", { headers: { "": "1" } }],
    ["Host", { headers: { Host: "internal.example" } }],
    ["Transfer-Encoding", { headers: { "transfer-encoding": "chunked" } }],
    ["Connection", { headers: { Connection: "close" } }],
    ["Content-Length", { headers: { "Content-Length": "0" } }],
    ["our signature header", { headers: { "X-Edgeworks-Signature": "t=1,v1=00" } }],
    ["our idempotency key", { headers: { "Idempotency-Key": "mine" } }],
    ["33 headers", { headers: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`X-H${i}`, "1"])) }],
    ["a 1025-character value", { headers: { "X-A": "a".repeat(1025) } }],
    ["a non-string header value", { headers: { "X-A": 1 } }],
    ["TRACE", { method: "TRACE" }],
    ["CONNECT", { method: "CONNECT" }],
    ["lower-case post", { method: "post" }],
    ["a GET with a body", { method: "GET", body: { a: 1 } }],
    ["timeoutMs over 30 s", { timeoutMs: 30_001 }],
    ["timeoutMs under 100 ms", { timeoutMs: 99 }],
    ["an unknown key", { retry: true }],
  ])("%s is refused at submit and at run time", async (_, extra) => {
    const payload = { url: "https://example.com/", ...extra };
    expect(schema.safeParse(payload).success).toBe(false);
    expect(await failureOf(run(payload).promise)).toBeInstanceOf(PermanentError);
    expect(net.requests).toEqual([]);
  });

  it.each([[null], ["https://example.com/"], [{}], [{ url: 5 }], [{ url: `https://example.com/${"a".repeat(2048)}` }]])(
    "%j is refused",
    (payload) => {
      expect(schema.safeParse(payload).success).toBe(false);
    },
  );
});
