import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import registry from "../../../products.json";
import { PRODUCTS, productFor } from "../src/products";

// scripts/check-registry.mjs holds products.json equal to wrangler.toml, tsconfig.json, README.md and the
// generated Env (it runs in Node, which can read them); here, the routing built from it is exercised.
describe("the product registry", () => {
  it("is the routing table, in order", () => {
    expect(PRODUCTS.map((p) => [p.prefix, p.binding])).toEqual(registry.products.map((p) => [p.prefix, p.binding]));
  });

  it.each(registry.products)("routes $prefix to the $worker Worker over $binding", async (product) => {
    expect(productFor(`${product.prefix}/v1/x`)?.binding).toBe(product.binding);
    expect(Object.keys(env)).toContain(product.binding);
    const res = await SELF.fetch(`https://edge.example${product.prefix}/health`);
    expect(res.headers.get("X-Upstream")).toBe(product.worker);
  });
});
