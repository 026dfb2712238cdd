import { describe, expect, it } from "vitest";
import registry from "../../../products.json";
import accounts from "../openapi/accounts.json";
import blog from "../openapi/blog.json";
import boards from "../openapi/boards.json";
import chat from "../openapi/chat.json";
import links from "../openapi/links.json";
import notes from "../openapi/notes.json";
import todo from "../openapi/todo.json";

// The committed documents (pnpm client:gen) are what the types are generated from; whether they still
// match what the products serve is checked against a live `pnpm dev` in workers/edge/e2e.
const documents: Record<string, { openapi: string; paths: Record<string, unknown> }> = {
  accounts,
  todo,
  links,
  notes,
  blog,
  chat,
  boards,
};

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
