import { SELF } from "cloudflare:test";
import { dnsCheckEnabled } from "@edgeworks/egress";
import { describe, expect, it } from "vitest";
import { shortOrigin, urlPolicyOf } from "../src/deps";
import { call, createLink, expectProblem, newUser } from "./helpers";

const envWith = (vars: Partial<Env>) => ({ PUBLIC_ORIGIN: "", BLOCKED_DOMAINS: "", ...vars }) as Env;

describe("configuration", () => {
  it("short URLs use PUBLIC_ORIGIN when set, else the request's origin", () => {
    expect(shortOrigin(envWith({ PUBLIC_ORIGIN: "https://edgew.rk/" }), "http://127.0.0.1:8787/links/v1/links")).toBe("https://edgew.rk");
    expect(shortOrigin(envWith({}), "http://127.0.0.1:8787/links/v1/links")).toBe("http://127.0.0.1:8787");
  });

  it("targets may not loop to the configured or the actual host; the blocklist is parsed leniently", () => {
    const policy = urlPolicyOf(
      envWith({ PUBLIC_ORIGIN: "https://edgew.rk", BLOCKED_DOMAINS: " Evil.Example , spam.test\nbad.example. " }),
      "https://sho.rt/x",
    );
    expect(policy).toEqual({ ownHosts: ["sho.rt", "edgew.rk"], blockedDomains: ["evil.example", "spam.test", "bad.example"] });
  });
});

describe("concurrency", () => {
  it("ten concurrent creates of one custom slug: exactly one wins, the rest are 409", async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => newUser()));
    const responses = await Promise.all(
      users.map((u) => call("POST", "/links", u.token, { url: "https://example.com/race", slug: "race-for-it" })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of responses.filter((r) => r.status !== 201)) await expectProblem(r, 409, "conflict", ["slug"]);
    expect((await SELF.fetch("https://sho.rt/race-for-it", { redirect: "manual" })).status).toBe(302);
  });

  it("concurrent PATCHes and a DELETE leave the link deleted and the redirect 404", async () => {
    const { token } = await newUser();
    const link = await createLink(token);
    const responses = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => call("PATCH", `/links/${link.id}`, token, { title: `t${i}` })),
      call("DELETE", `/links/${link.id}`, token),
    ]);
    const patches = responses.slice(0, -1);
    expect(responses.at(-1)?.status).toBe(204);
    // each PATCH ran before the DELETE or found the link gone; none may bring it back
    for (const p of patches) expect([200, 404]).toContain(p.status);
    await expectProblem(await call("GET", `/links/${link.id}`, token), 404, "not_found");
    expect((await SELF.fetch(`https://sho.rt/${link.slug}`, { redirect: "manual" })).status).toBe(404);
  });
});

describe("URL_DNS_CHECK", () => {
  it.each([
    [{ URL_DNS_CHECK: "doh", DEV_MODE: "true" }, true],
    [{ URL_DNS_CHECK: "off", DEV_MODE: "false" }, false],
    [{ URL_DNS_CHECK: "auto", DEV_MODE: "false" }, true],
    [{ URL_DNS_CHECK: "auto", DEV_MODE: "true" }, false],
    [{ DEV_MODE: "false" }, true],
    [{ URL_DNS_CHECK: "typo" }, true],
  ])("%o → DNS check %s", (vars, enabled) => {
    expect(dnsCheckEnabled(vars)).toBe(enabled);
  });
});
