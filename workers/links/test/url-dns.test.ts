import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { fakeDoh } from "./fake-doh";
import { call, createLink, eventually, expectProblem, newUser, rowsOf } from "./helpers";

/** A name unique to one test, so the DNS cache of one test never answers another's. */
let n = 0;
const fresh = (label: string) => `${label}-${Date.now().toString(36)}-${++n}.example.net`;
const queriesFor = (host: string) => fakeDoh.queries.filter((q) => q.startsWith(`${host}/`)).sort();

beforeEach(() => {
  fakeDoh.mode = "answer";
});

describe("wildcard DNS services are refused by name, without a lookup", () => {
  it.each([
    "http://127.0.0.1.nip.io/",
    "http://169.254.169.254.nip.io/latest/meta-data/",
    "https://app.10.0.0.1.sslip.io/",
    "http://10-0-0-1.sslip.io/",
    "http://xip.io/",
    "http://localtest.me:3000/",
    "http://admin.lvh.me/",
    "http://api.vcap.me/",
    "https://app.traefik.me/",
    "http://localhost.example.com/",
    "http://127.0.0.1.example.com/",
    "http://ip-10-0-0-5.example.com/",
    "http://db-192-168-1-20.internal-looking.example/",
  ])("%s", async (url) => {
    const { token, id } = await newUser();
    const host = new URL(url).hostname;
    await expectProblem(await call("POST", "/links", token, { url }), 422, "validation_failed", ["url"]);
    expect(await rowsOf(id)).toHaveLength(0);
    expect(queriesFor(host)).toEqual([]);
  });

  it("an embedded public address is fine (the name is still resolved)", async () => {
    const { token } = await newUser();
    expect((await call("POST", "/links", token, { url: "https://8-8-8-8.example.org/" })).status).toBe(201);
  });
});

describe("target hosts are resolved over DNS-over-HTTPS", () => {
  it("a public-looking name whose DoH answer is 10.0.0.5 is refused (422 naming the address); nothing is created", async () => {
    const host = fresh("intranet-proxy");
    fakeDoh.zone.set(host, { A: ["10.0.0.5"] });
    const { token, id } = await newUser();
    const res = await call("POST", "/links", token, { url: `https://${host}/login` });
    const body = await expectProblem(res, 422, "validation_failed", ["url"]);
    expect(JSON.stringify(body)).toContain("10.0.0.5");
    expect(await rowsOf(id)).toHaveLength(0);
    expect(queriesFor(host)).toEqual([`${host}/A`, `${host}/AAAA`]);
  });

  it.each([
    ["an IPv6 unique-local AAAA", { A: ["93.184.215.14"], AAAA: ["fd00:ec2::254"] }],
    ["a loopback behind a CNAME", { CNAME: "origin.example.org", A: ["127.0.0.1"] }],
    ["the metadata address", { A: ["169.254.169.254"] }],
    ["carrier-grade NAT", { A: ["100.100.100.200"] }],
  ])("%s is refused", async (_label, entry) => {
    const host = fresh("rebind");
    fakeDoh.zone.set(host, entry);
    const { token } = await newUser();
    await expectProblem(await call("POST", "/links", token, { url: `https://${host}/` }), 422, "validation_failed", ["url"]);
  });

  it("every URL of a body is checked (expiredUrl, rules) and PATCH too", async () => {
    const host = fresh("private");
    fakeDoh.zone.set(host, { A: ["192.168.1.1"] });
    const { token } = await newUser();
    const bad = `http://${host}/`;
    await expectProblem(
      await call("POST", "/links", token, {
        url: "https://example.com/",
        expiredUrl: bad,
        rules: [{ type: "device", value: "ios", url: bad }],
      }),
      422,
      "validation_failed",
      ["expiredUrl", "rules.0.url"],
    );
    const link = await createLink(token);
    await expectProblem(await call("PATCH", `/links/${link.id}`, token, { url: bad }), 422, "validation_failed", ["url"]);
  });

  it("a public answer is accepted; a name without addresses (NXDOMAIN) is accepted too", async () => {
    const { token } = await newUser();
    const pub = fresh("public");
    fakeDoh.zone.set(pub, { A: ["93.184.215.14"], AAAA: ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"] });
    expect((await call("POST", "/links", token, { url: `https://${pub}/` })).status).toBe(201);
    const gone = fresh("gone");
    fakeDoh.zone.set(gone, { missing: true });
    expect((await call("POST", "/links", token, { url: `https://${gone}/` })).status).toBe(201);
  });

  it("the answer is cached (KV, for the answer's TTL): a second link to the host makes no second lookup", async () => {
    const host = fresh("cached");
    fakeDoh.zone.set(host, { A: ["93.184.215.14"], TTL: 120 });
    const { token } = await newUser();
    await createLink(token, { url: `https://${host}/a` });
    expect(queriesFor(host)).toEqual([`${host}/A`, `${host}/AAAA`]);
    await eventually(() => env.LINK_CACHE.get(`dns:v1:${host}`));
    await createLink(token, { url: `https://${host}/b` });
    expect(queriesFor(host)).toHaveLength(2);
  });

  it("a bulk create of links to one host looks it up once", async () => {
    const host = fresh("bulk");
    const { token } = await newUser();
    const links = [1, 2, 3].map((i) => ({ url: `https://${host}/${i}` }));
    const res = await call("POST", "/links/bulk", token, { links });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { created: number }).created).toBe(3);
    expect(queriesFor(host)).toEqual([`${host}/A`, `${host}/AAAA`]);
  });

  it("a cached private answer is refused without a lookup", async () => {
    const host = fresh("cached-private");
    fakeDoh.zone.set(host, { A: ["10.1.2.3"] });
    const { token } = await newUser();
    await expectProblem(await call("POST", "/links", token, { url: `https://${host}/` }), 422, "validation_failed", ["url"]);
    await eventually(() => env.LINK_CACHE.get(`dns:v1:${host}`));
    await expectProblem(await call("POST", "/links", token, { url: `https://${host}/` }), 422, "validation_failed", ["url"]);
    expect(queriesFor(host)).toHaveLength(2);
  });
});

describe("when DNS-over-HTTPS fails, the link is refused (fail closed)", () => {
  it.each(["servfail", "http500"] as const)("%s: 503 with Retry-After, nothing created, nothing cached", async (mode) => {
    const host = fresh(mode);
    fakeDoh.mode = mode;
    const { token, id } = await newUser();
    const res = await call("POST", "/links", token, { url: `https://${host}/` });
    await expectProblem(res, 503, "service_unavailable");
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await rowsOf(id)).toHaveLength(0);
    expect(await env.LINK_CACHE.get(`dns:v1:${host}`)).toBeNull();
    fakeDoh.mode = "answer";
    expect((await call("POST", "/links", token, { url: `https://${host}/` })).status).toBe(201);
  });

  it("a resolver that never answers times out: 503 within the timeout", async () => {
    fakeDoh.mode = "hang";
    const { token } = await newUser();
    const started = Date.now();
    await expectProblem(await call("POST", "/links", token, { url: `https://${fresh("slow")}/` }), 503, "service_unavailable");
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
