import { env } from "cloudflare:test";
import { expect, it } from "vitest";

it("the CACHE namespace stores and returns a value", async () => {
  const key = `test:${crypto.randomUUID()}`;
  await env.CACHE.put(key, JSON.stringify({ n: 1 }), { expirationTtl: 60 });
  expect(await env.CACHE.get(key, "json")).toEqual({ n: 1 });
  await env.CACHE.delete(key);
  expect(await env.CACHE.get(key)).toBeNull();
});
