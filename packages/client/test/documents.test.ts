import { describe, expect, it } from "vitest";
import registry from "../../../products.json";

type Document = { openapi: string; paths: Record<string, unknown> };
declare global {
  interface ImportMeta {
    /** Vite's glob import (vitest transforms it at build time). */
    glob<T>(pattern: string, options: { eager: true; import: "default" }): Record<string, T>;
  }
}

// The committed documents (pnpm client:gen) are what the types are generated from; whether they still
// match what the products serve is checked against a live `pnpm dev` in workers/edge/e2e. Every file in
// openapi/, so a product added by `pnpm new` needs no edit here.
const documents: Record<string, Document> = Object.fromEntries(
  Object.entries(import.meta.glob<Document>("../openapi/*.json", { eager: true, import: "default" })).map(([path, doc]) => [
    path.replace(/^.*\/(.+)\.json$/, "$1"),
    doc,
  ]),
);

const products = registry.products.map((p) => ({ name: p.worker, prefix: p.prefix }));

describe("the committed OpenAPI documents", () => {
  it("exist for exactly the products in the registry (products.json)", () => {
    expect(Object.keys(documents).sort()).toEqual(products.map((p) => p.name).sort());
  });

  it.each(products)("$name: OpenAPI 3.1 with every path under $prefix", ({ name, prefix }) => {
    const doc = documents[name]!;
    expect(doc.openapi).toBe("3.1.0");
    const paths = Object.keys(doc.paths);
    expect(paths).toContain(`${prefix}/health`);
    // the one path outside a prefix: the short links' redirect at the root of the front door
    const outside = paths.filter((p) => !p.startsWith(`${prefix}/`));
    expect(outside).toEqual(name === "links" ? ["/{slug}"] : []);
  });
});
