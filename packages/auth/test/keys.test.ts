import { describe, expect, it } from "vitest";
import { apiKeyPrefix, generateApiKey, hashApiKey, timingSafeEqual } from "../src";

describe("API keys", () => {
  it("are prefixed, carry a lookup id, and only their hash is kept", async () => {
    const { key, prefix, hash } = await generateApiKey();
    expect(key).toMatch(/^ewk_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(await hashApiKey(key));
    expect(hash).not.toContain(key.slice(13));
  });

  it("are unique", async () => {
    const keys = await Promise.all(Array.from({ length: 50 }, () => generateApiKey()));
    expect(new Set(keys.map((k) => k.key)).size).toBe(50);
  });

  it.each([["ewk_short"], ["sk_live_abc"], [""], [`ewk_12345678_${"a".repeat(42)}`]])("apiKeyPrefix refuses %j", (bad) => {
    expect(apiKeyPrefix(bad)).toBeNull();
  });
});

describe("timingSafeEqual", () => {
  it.each([
    ["abc", "abc", true],
    ["abc", "abd", false],
    ["abc", "abcd", false],
    ["", "", true],
  ])("%j vs %j → %s", (a, b, equal) => {
    expect(timingSafeEqual(a, b)).toBe(equal);
  });
});
