import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createLink, expectProblem, getLink, newUser, ORIGIN } from "./helpers";

/** A fresh IPv6 /64 for one test: `2001:db8:<random>:<n>::/64`. */
let nets = 0;
const newNet = () => `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:${(++nets).toString(16)}`;

const form = (password: string, headers: Record<string, string>) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json", ...headers },
  body: new URLSearchParams({ password }).toString(),
  redirect: "manual" as const,
});

const tryPassword = (slug: string, password: string, headers: Record<string, string>) =>
  SELF.fetch(`${ORIGIN}/${slug}`, form(password, headers));

describe("per-network keys (IPv6 by /64)", () => {
  it("password attempts from every address of one /64 share one budget", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { password: "open sesame" });
    const net = newNet();
    for (let i = 1; i <= 5; i++) expect((await tryPassword(link.slug, "nope", { "CF-Connecting-IP": `${net}::${i}` })).status).toBe(401);
    const limited = await tryPassword(link.slug, "open sesame", { "CF-Connecting-IP": `${net}:ffff::6` });
    await expectProblem(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    // the neighbouring /64 has its own budget
    expect((await tryPassword(link.slug, "open sesame", { "CF-Connecting-IP": `${newNet()}::1` })).status).toBe(303);
  });

  it("anonymous creates from every address of one /64 share one budget of 10 per hour", async () => {
    const net = newNet();
    for (let i = 1; i <= 10; i++) {
      const res = await call("POST", "/links", undefined, { url: "https://example.com/anon" }, { "CF-Connecting-IP": `${net}::${i}` });
      expect(res.status).toBe(201);
    }
    const limited = await call("POST", "/links", undefined, { url: "https://example.com/anon" }, { "CF-Connecting-IP": `${net}::beef` });
    await expectProblem(limited, 429, "rate_limited");
  });

  it("X-Real-IP is not trusted outside dev: without CF-Connecting-IP every caller shares one budget", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { password: "open sesame" });
    for (let i = 1; i <= 5; i++) expect((await tryPassword(link.slug, "nope", { "X-Real-IP": `198.51.100.${i}` })).status).toBe(401);
    await expectProblem(await tryPassword(link.slug, "nope", { "X-Real-IP": "198.51.100.99" }), 429, "rate_limited");
  });
});

describe("per-link ceiling on password attempts", () => {
  it("a burst from many /64s hits the link's ceiling (429 + Retry-After); the owner's API and other links are not affected", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { password: "open sesame" });
    const other = await createLink(token, { password: "open sesame" });
    let refused: Response | null = null;
    let attempts = 0;
    for (; attempts < 200 && !refused; attempts++) {
      const res = await tryPassword(link.slug, "nope", { "CF-Connecting-IP": `${newNet()}::1` });
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(401);
    }
    expect(attempts).toBe(61); // 60 attempts per 10 minutes, from any number of networks
    if (!refused) throw new Error("never limited");
    await expectProblem(refused, 429, "rate_limited");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    // even the right password from a fresh network waits: the ceiling is per link
    await expectProblem(await tryPassword(link.slug, "open sesame", { "CF-Connecting-IP": `${newNet()}::1` }), 429, "rate_limited");
    // the owner still manages the link (and can change its password) …
    expect((await getLink(token, link.id))?.passwordProtected).toBe(true);
    const patched = await call("PATCH", `/links/${link.id}`, token, { password: "a new secret" });
    expect(patched.status).toBe(200);
    // … and other links' forms are untouched
    expect((await tryPassword(other.slug, "open sesame", { "CF-Connecting-IP": `${newNet()}::1` })).status).toBe(303);
  }, 30_000);
});
