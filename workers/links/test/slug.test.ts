import { describe, expect, test } from "vitest";
import registry from "../../../products.json";
import { isReservedSlug } from "../src/slug";

describe("reserved slugs", () => {
  // a product added by `pnpm new` joins products.json; a short link must never shadow its prefix
  test.each(registry.products.map((p) => p.prefix.slice(1)))("the registered prefix %s is reserved", (word) => {
    expect(isReservedSlug(word)).toBe(true);
    expect(isReservedSlug(word.toUpperCase())).toBe(true);
  });

  test("a pass-through prefix (the gateway's gw) is reserved", () => {
    expect(isReservedSlug("gw")).toBe(true);
    expect(isReservedSlug("GW")).toBe(true);
  });

  test("an ordinary word is not", () => {
    expect(isReservedSlug("summer-sale")).toBe(false);
  });
});
