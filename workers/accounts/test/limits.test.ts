import { env, runInDurableObject } from "cloudflare:test";
import { consumeRateLimit, type RatePolicy } from "@edgeworks/ratelimit";
import { describe, expect, it } from "vitest";
import { forget, LIMITS } from "../src/limits";
import { call, expectProblem, freshIp, register } from "./helpers";

// Issue 10, items 6 and 11: login limits that cannot lock the owner out, and limits on registration.

const attempt = (email: string, password: string, ip: string) =>
  call("POST", "/login", undefined, { email, password }, { "CF-Connecting-IP": ip });
/** Spends every token left in a bucket (a consume of more than is left takes nothing, so read what is left first). */
async function drain(key: string, policy: RatePolicy): Promise<void> {
  const first = await consumeRateLimit(env.RATE_LIMITER, key, policy);
  if (first.remaining > 0) expect((await consumeRateLimit(env.RATE_LIMITER, key, policy, first.remaining)).remaining).toBe(0);
}
const signUp = (ip: string, email = `user-${crypto.randomUUID()}@example.com`) =>
  call("POST", "/register", undefined, { email, password: "correct horse battery staple" }, { "CF-Connecting-IP": ip });

describe("login limits", () => {
  it("10 failures from network A do not refuse the owner's password from network B; network A is limited", async () => {
    const victim = await register();
    const networkA = freshIp();
    for (let i = 0; i < 10; i++) expect((await attempt(victim.user.email, `wrong ${i}`, networkA)).status, `attempt ${i + 1}`).toBe(401);
    const limited = await attempt(victim.user.email, victim.password, networkA);
    await expectProblem(limited, "rate_limited", /^Too many login attempts; retry after \d+ s$/);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(89);
    expect(limited.headers.get("RateLimit-Limit")).toBe("10");
    expect((await attempt(victim.user.email, victim.password, freshIp())).status).toBe(200);
  });

  it("addresses of one IPv6 /64 are one network", async () => {
    const victim = await register();
    for (let i = 0; i < 10; i++) {
      expect((await attempt(victim.user.email, "wrong", `2001:db8:77:${i.toString(16)}::1`)).status).toBe(401);
    }
    for (let i = 0; i < 10; i++) expect((await attempt(victim.user.email, "wrong", `2001:db8:99:1::${i + 1}`)).status).toBe(401);
    await expectProblem(await attempt(victim.user.email, victim.password, "2001:db8:99:1:ffff::abcd"), "rate_limited");
    expect((await attempt(victim.user.email, victim.password, "2001:db8:77:ff::1")).status).toBe(200);
  });

  it("the slow per-email failure ceiling refuses only networks that have failed, never a clean one", async () => {
    const victim = await register();
    const failing = freshIp();
    expect((await attempt(victim.user.email, "wrong", failing)).status).toBe(401);
    // many networks have failed for this address: its failure budget is spent
    await drain(`loginFailuresPerEmail:${victim.user.email}`, LIMITS.loginFailuresPerEmail);
    await expectProblem(await attempt(victim.user.email, victim.password, failing), "rate_limited");
    // a network that has not failed gets its answer; after one failure it is held back too
    const clean = freshIp();
    expect((await attempt(victim.user.email, "wrong", clean)).status).toBe(401);
    await expectProblem(await attempt(victim.user.email, victim.password, clean), "rate_limited");
    expect((await attempt(victim.user.email, victim.password, freshIp())).status).toBe(200);
    await forget(env.RATE_LIMITER, "loginFailuresPerEmail", victim.user.email);
  });
});

describe("registration limits", () => {
  it("per network: past the budget it is 429 with Retry-After, and no account is made", async () => {
    const ip = "2001:db8:5:6::1";
    for (let i = 0; i < LIMITS.registerPerNetwork.limit; i++) expect((await signUp(`2001:db8:5:6::${i + 2}`)).status).toBe(201);
    const email = `late-${crypto.randomUUID()}@example.com`;
    const limited = await signUp(ip, email);
    await expectProblem(limited, "rate_limited", /^Too many registrations; retry after \d+ s$/);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first()).toBeNull();
    expect((await signUp(freshIp())).status).toBe(201);
  });

  it("globally: when the global budget is spent every network gets 429", async () => {
    // the global bucket refills a token a second, faster than a loaded machine drains it and signs up; so
    // its state is set to a bucket that stays empty for a minute more (the DO stores one number: GCRA's TAT)
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("registerGlobal:all"));
    await runInDurableObject(stub, (_limiter, state) => {
      state.storage.kv.put("tat", Date.now() + LIMITS.registerGlobal.periodMs + 60_000);
    });
    const limited = await signUp(freshIp());
    await expectProblem(limited, "rate_limited", /^Too many registrations; retry after \d+ s$/);
    expect(limited.headers.get("Retry-After")).toMatch(/^\d+$/);
    await forget(env.RATE_LIMITER, "registerGlobal", "all");
    expect((await signUp(freshIp())).status).toBe(201);
  });
});
