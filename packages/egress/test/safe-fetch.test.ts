import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type DnsDeps, EgressError, type SafeFetchOptions, safeFetch } from "../src/index";
import { createFakeNet, type FakeNet, hang } from "../src/testing/fake-net";

let net: FakeNet;
let pending: Promise<unknown>[];
let n = 0;
/** A host name unique to one test, so the DNS cache (KV) of one test never answers another's. */
const fresh = (label: string) => `${label}-${Date.now().toString(36)}-${++n}.example.net`;

const dns = (): DnsDeps => ({ cache: env.CACHE, fetch: (r) => fetch(r), defer: (w) => pending.push(w), timeoutMs: 200 });
const options = (extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({ dns: dns(), timeoutMs: 2000, ...extra });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected an EgressError");
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(EgressError);
      return error as EgressError;
    },
  );

beforeEach(() => {
  net = createFakeNet();
  pending = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("refused before anything is sent", () => {
  it.each([
    ["IPv4 loopback", "http://127.0.0.1/"],
    ["private 10/8", "http://10.1.2.3/hook"],
    ["private 192.168/16", "https://192.168.0.1/"],
    ["cloud metadata", "http://169.254.169.254/latest/meta-data/"],
    ["IPv6 loopback", "http://[::1]/"],
    ["IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/"],
    ["AWS IPv6 metadata", "http://[fd00:ec2::254]/"],
    ["loopback in hex", "http://0x7f000001/"],
    ["loopback as a decimal number", "http://2130706433/"],
    ["loopback in octal", "http://0177.0.0.1/"],
    ["0.0.0.0", "http://0.0.0.0/"],
    ["localhost", "http://localhost/"],
    ["a .internal name", "http://metadata.google.internal/"],
    ["a wildcard DNS service", "http://127.0.0.1.nip.io/"],
    ["a name spelling a private address", "http://ip-10-0-0-5.example.com/"],
    ["credentials", "https://user:secret@example.com/"],
    ["credentials that look like a host", "https://example.com@evil.example.org/"],
    ["ftp", "ftp://example.com/"],
    ["file", "file:///etc/passwd"],
    ["javascript", "javascript:alert(1)"],
    ["SSH port", "http://example.com:22/"],
    ["SMTP port", "http://example.com:25/"],
    ["Redis port", "https://example.com:6379/"],
    ["not a URL", "hooks.example.com/x"],
  ])("%s: %s", async (_, url) => {
    const error = await failureOf(safeFetch(url, { method: "POST", body: "{}" }, options()));
    expect(error.code).toBe("refused");
    expect(error.permanent).toBe(true);
    expect(net.requests).toEqual([]);
  });

  it.each([
    ["an A record in 10/8", { A: ["10.0.0.5"] }, "10.0.0.5"],
    ["the metadata address", { A: ["169.254.169.254"] }, "169.254.169.254"],
    ["loopback", { A: ["127.0.0.1"] }, "127.0.0.1"],
    ["an IPv6 unique-local AAAA beside a public A", { A: ["93.184.215.14"], AAAA: ["fd00:ec2::254"] }, "fd00:ec2::254"],
  ])("a name that resolves to %s", async (_, entry, address) => {
    const host = fresh("rebind");
    net.zone.set(host, entry);
    net.upstreams.set(host, () => new Response("reached"));
    const error = await failureOf(safeFetch(`https://${host}/`, {}, options()));
    expect(error).toMatchObject({ code: "refused", permanent: true, message: `${host} resolves to a private address (${address})` });
    expect(net.requests).toEqual([]);
    expect(net.queries.sort()).toEqual([`${host}/A`, `${host}/AAAA`]);
  });

  it("a failed lookup fails closed, retryable (dns_failed); a hanging one too", async () => {
    const host = fresh("servfail");
    net.upstreams.set(host, () => new Response("reached"));
    net.dohMode = "servfail";
    expect(await failureOf(safeFetch(`https://${host}/`, {}, options()))).toMatchObject({ code: "dns_failed", permanent: false });
    net.dohMode = "hang";
    expect(await failureOf(safeFetch(`https://${host}/`, {}, options()))).toMatchObject({ code: "dns_failed", permanent: false });
    expect(net.requests).toEqual([]);
  });
});

describe("allowed requests", () => {
  it("sends the method, headers and body and returns status, headers and bytes", async () => {
    const host = fresh("hooks");
    net.upstreams.set(host, (_, seen) => Response.json({ echoed: seen.body }, { status: 201, headers: { "x-request-id": "r1" } }));
    const res = await safeFetch(
      `https://${host}/in`,
      { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' },
      options(),
    );
    expect(res).toMatchObject({ status: 201, url: `https://${host}/in`, redirects: 0, truncated: false });
    expect(res.headers.get("x-request-id")).toBe("r1");
    expect(JSON.parse(text(res.body))).toEqual({ echoed: '{"a":1}' });
    expect(net.requests).toMatchObject([{ method: "POST", url: `https://${host}/in`, body: '{"a":1}' }]);
    expect(net.requests[0]?.headers["content-type"]).toBe("application/json");
  });

  it("allows the web ports 8080 and 8443 and a policy's own list", async () => {
    const host = fresh("ports");
    net.upstreams.set(`${host}:8443`, () => new Response("ok"));
    expect((await safeFetch(`https://${host}:8443/`, {}, options())).status).toBe(200);
    const refused = await failureOf(safeFetch(`https://${host}:8443/`, {}, options({ policy: { ports: [443] } })));
    expect(refused.code).toBe("refused");
  });

  it("caches verdicts in KV: a second request does not ask DoH again", async () => {
    const host = fresh("cached");
    net.upstreams.set(host, () => new Response("ok"));
    await safeFetch(`https://${host}/`, {}, options());
    await Promise.all(pending);
    await safeFetch(`https://${host}/`, {}, options());
    expect(net.queries.sort()).toEqual([`${host}/A`, `${host}/AAAA`]);
    expect(net.requests).toHaveLength(2);
  });

  it("without DNS deps (development) the name is not resolved, the text rules still apply", async () => {
    const host = fresh("nodns");
    net.zone.set(host, { A: ["10.0.0.1"] });
    net.upstreams.set(host, () => new Response("ok"));
    expect((await safeFetch(`https://${host}/`, {}, options({ dns: null }))).status).toBe(200);
    expect(net.queries).toEqual([]);
    expect((await failureOf(safeFetch("http://10.0.0.1/", {}, options({ dns: null })))).code).toBe("refused");
  });
});

describe("redirects are followed by hand, each hop checked", () => {
  const redirect = (status: number, location: string) => () => new Response(null, { status, headers: { location } });

  it("follows up to 3 hops; 302 after a POST continues as GET without a body; relative locations resolve", async () => {
    const [a, b] = [fresh("a"), fresh("b")];
    net.upstreams.set(a, (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/1") return redirect(302, `https://${b}/2`)();
      return new Response("done");
    });
    net.upstreams.set(b, (request) => (new URL(request.url).pathname === "/2" ? redirect(307, "/3")() : redirect(308, `https://${a}/4`)()));
    const res = await safeFetch(`https://${a}/1`, { method: "POST", body: "x", headers: { "content-type": "text/plain" } }, options());
    expect(res).toMatchObject({ status: 200, redirects: 3, url: `https://${a}/4` });
    expect(text(res.body)).toBe("done");
    expect(net.requests.map((r) => [r.method, new URL(r.url).pathname, r.body])).toEqual([
      ["POST", "/1", "x"],
      ["GET", "/2", ""],
      ["GET", "/3", ""],
      ["GET", "/4", ""],
    ]);
    expect(net.requests[1]?.headers["content-type"]).toBeUndefined();
  });

  it("307 and 308 keep the method and the body", async () => {
    const [a, b] = [fresh("a"), fresh("b")];
    net.upstreams.set(a, redirect(307, `https://${b}/`));
    net.upstreams.set(b, () => new Response("ok"));
    await safeFetch(`https://${a}/`, { method: "PUT", body: "payload" }, options());
    expect(net.requests.map((r) => [r.method, r.body])).toEqual([
      ["PUT", "payload"],
      ["PUT", "payload"],
    ]);
  });

  it("a fourth redirect is refused (too_many_redirects, permanent)", async () => {
    const host = fresh("loop");
    net.upstreams.set(host, redirect(302, "/again"));
    const error = await failureOf(safeFetch(`https://${host}/`, {}, options()));
    expect(error).toMatchObject({ code: "too_many_redirects", permanent: true });
    expect(net.requests).toHaveLength(4);
  });

  it.each([
    ["loopback", "http://127.0.0.1:80/admin"],
    ["metadata", "http://169.254.169.254/latest/meta-data/iam/"],
    ["IPv6 loopback", "http://[::1]/"],
    ["hex loopback", "http://0x7f000001/"],
    ["a file URL", "file:///etc/passwd"],
    ["garbage", "http://[/"],
  ])("a redirect to %s is refused and never requested", async (_, location) => {
    const host = fresh("redir");
    net.upstreams.set(host, redirect(302, location));
    const error = await failureOf(safeFetch(`https://${host}/`, {}, options()));
    expect(error).toMatchObject({ code: "refused", permanent: true });
    expect(net.requests.map((r) => r.url)).toEqual([`https://${host}/`]);
  });

  it("a redirect to a name that resolves privately is refused", async () => {
    const [host, inner] = [fresh("redir"), fresh("inner")];
    net.zone.set(inner, { A: ["192.168.1.1"] });
    net.upstreams.set(host, redirect(301, `https://${inner}/`));
    net.upstreams.set(inner, () => new Response("secret"));
    expect((await failureOf(safeFetch(`https://${host}/`, {}, options()))).code).toBe("refused");
    expect(net.requests.map((r) => r.url)).toEqual([`https://${host}/`]);
  });

  it("credentials go to the same origin but not to another one", async () => {
    const [a, b] = [fresh("a"), fresh("b")];
    net.upstreams.set(a, (r) => (new URL(r.url).pathname === "/" ? redirect(302, "/same")() : redirect(302, `https://${b}/`)()));
    net.upstreams.set(b, () => new Response("ok"));
    await safeFetch(`https://${a}/`, { headers: { authorization: "Bearer s3cret", "x-other": "1" } }, options());
    expect(net.requests.map((r) => [r.headers.authorization ?? null, r.headers["x-other"]])).toEqual([
      ["Bearer s3cret", "1"],
      ["Bearer s3cret", "1"],
      [null, "1"],
    ]);
  });

  it("a 3xx without Location is an answer", async () => {
    const host = fresh("notmod");
    net.upstreams.set(host, () => new Response(null, { status: 304 }));
    expect((await safeFetch(`https://${host}/`, {}, options())).status).toBe(304);
  });
});

describe("timeouts, cancels, sizes and network errors", () => {
  it("an upstream that never answers times out (retryable)", async () => {
    const host = fresh("slow");
    net.upstreams.set(host, (request) => hang(request.signal));
    const error = await failureOf(safeFetch(`https://${host}/`, {}, options({ timeoutMs: 100 })));
    expect(error).toMatchObject({ code: "timeout", permanent: false });
  });

  it("the caller's signal cancels (aborted)", async () => {
    const host = fresh("cancel");
    net.upstreams.set(host, (request) => hang(request.signal));
    const controller = new AbortController();
    const promise = safeFetch(`https://${host}/`, {}, options({ signal: controller.signal, timeoutMs: 30_000 }));
    setTimeout(() => controller.abort(new Error("cancelled")), 10);
    expect(await failureOf(promise)).toMatchObject({ code: "aborted", permanent: false });
  });

  it("a body over maxBytes fails (too_large), or is cut with truncate", async () => {
    const host = fresh("big");
    const stream = () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(100).fill(65));
            controller.close();
          },
        }),
      );
    net.upstreams.set(host, stream);
    expect(await failureOf(safeFetch(`https://${host}/`, {}, options({ maxBytes: 250 })))).toMatchObject({ code: "too_large" });
    const cut = await safeFetch(`https://${host}/`, {}, options({ maxBytes: 250, truncate: true }));
    expect(cut.truncated).toBe(true);
    expect(text(cut.body)).toBe("A".repeat(250));
    const exact = await safeFetch(`https://${host}/`, {}, options({ maxBytes: 1000 }));
    expect(exact).toMatchObject({ truncated: false });
    expect(exact.body.byteLength).toBe(1000);
  });

  it("a declared Content-Length over the cap fails without reading", async () => {
    const host = fresh("declared");
    net.upstreams.set(host, () => new Response("x".repeat(300), { headers: { "content-length": "300" } }));
    expect((await failureOf(safeFetch(`https://${host}/`, {}, options({ maxBytes: 100 })))).code).toBe("too_large");
  });

  it("a connection error is `network` (retryable)", async () => {
    const host = fresh("down");
    const error = await failureOf(safeFetch(`https://${host}/`, {}, options()));
    expect(error).toMatchObject({ code: "network", permanent: false });
    expect(error.message).toContain("Network connection lost");
  });
});
