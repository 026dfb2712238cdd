import { env } from "cloudflare:test";
import { consumeRateLimit } from "@edgeworks/ratelimit";
import { expectProblem } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { WRITES_PER_MINUTE, writeLimitKey } from "../src/product";
import { createArticle, register, rw, V1 } from "./helpers";

const policy = { limit: WRITES_PER_MINUTE, periodMs: 60_000 };
const userIdOf = async (username: string) =>
  (await env.DB.prepare("SELECT user_id FROM profiles WHERE username = ?1").bind(username).first<{ user_id: string }>())?.user_id ?? "";

describe("write rate limit", () => {
  it("answers 429 with Retry-After once a user's write budget is spent; reads and other users go on", async () => {
    const heavy = await register("heavy");
    const other = await register("other");
    const a = await createArticle(heavy.token);
    // spend what is left of the budget (creating the article used some)
    const key = writeLimitKey(await userIdOf(heavy.username));
    const { remaining } = await consumeRateLimit(env.RATE_LIMITER, key, policy);
    expect((await consumeRateLimit(env.RATE_LIMITER, key, policy, remaining)).allowed).toBe(true);
    const res = await rw("POST", `/articles/${a.slug}/favorite`, undefined, heavy.token);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await res.json()).toEqual({ errors: { request: ["is rate limited, retry later"] } });
    const v1 = await fetchV1(heavy.token);
    await expectProblem(v1, 429, "rate_limited");
    expect((await rw("GET", `/articles/${a.slug}`, undefined, heavy.token)).status).toBe(200);
    expect((await rw("POST", `/articles/${a.slug}/favorite`, undefined, other.token)).status).toBe(200);
  });
});

async function fetchV1(token: string) {
  const { SELF } = await import("cloudflare:test");
  return SELF.fetch(`${V1}/categories`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Anything" }),
  });
}
