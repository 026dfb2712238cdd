import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

type Response_ = { content?: Record<string, { schema?: { $ref?: string } }> };
type Op = { operationId?: string; security?: Record<string, string[]>[]; responses: Record<string, Response_> };
type Doc = { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, unknown> } };

const load = async () => (await (await SELF.fetch("https://blog.test/blog/openapi.json")).json()) as Doc;
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

it("names every operation with a unique camelCase operationId (RealWorld's own names on /blog/api)", async () => {
  const doc = await load();
  const ids = operations(doc).map(({ op }) => op.operationId);
  for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]+$/);
  expect(new Set(ids).size).toBe(ids.length);
  expect(doc.paths["/blog/api/users/login"]?.post?.operationId).toBe("login");
  expect(doc.paths["/blog/api/articles/{slug}/favorite"]?.delete?.operationId).toBe("deleteArticleFavorite");
  expect(doc.paths["/blog/v1/articles/{slug}"]?.patch?.operationId).toBe("updateArticleV1");
});

it("says the security of every operation: required, optional (`{}` beside the scheme) or none", async () => {
  const doc = await load();
  const security = Object.fromEntries(operations(doc).map(({ path, method, op }) => [`${method.toUpperCase()} ${path}`, op.security]));
  for (const [op, s] of Object.entries(security)) expect(s, op).toBeDefined();
  expect(security["POST /blog/api/users"]).toEqual([]);
  expect(security["GET /blog/api/tags"]).toEqual([]);
  expect(security["GET /blog/api/articles"]).toEqual([{ Token: [] }, {}]);
  expect(security["PUT /blog/api/user"]).toEqual([{ Token: [] }]);
  expect(security["GET /blog/v1/search"]).toEqual([{ bearerAuth: [] }, {}]);
  expect(security["POST /blog/v1/articles"]).toEqual([{ bearerAuth: [] }]);
  expect(security["GET /blog/v1/feed.rss"]).toEqual([]);
});

it("RealWorld routes answer errors as RealWorldErrors JSON, /blog/v1 routes as problem+json", async () => {
  const doc = await load();
  for (const { path, method, op } of operations(doc)) {
    for (const [status, res] of Object.entries(op.responses)) {
      if (Number(status) < 400) continue;
      const where = `${method.toUpperCase()} ${path} ${status}`;
      if (path.startsWith("/blog/api/")) {
        expect(Object.keys(res.content ?? {}), where).toEqual(["application/json"]);
        expect(res.content?.["application/json"]?.schema?.$ref, where).toBe("#/components/schemas/RealWorldErrors");
      } else {
        expect(Object.keys(res.content ?? {}), where).toEqual(["application/problem+json"]);
      }
    }
  }
  expect(doc.components.schemas.RealWorldErrors).toMatchObject({
    type: "object",
    required: ["errors"],
    additionalProperties: false,
    properties: {
      errors: { type: "object", minProperties: 1, additionalProperties: { type: "array", items: { type: "string" }, minItems: 1 } },
    },
  });
});

it("documents the write limit's 429 on every RealWorld write that needs a token", async () => {
  const doc = await load();
  for (const { path, method, op } of operations(doc)) {
    if (!path.startsWith("/blog/api/") || method === "get" || JSON.stringify(op.security) !== '[{"Token":[]}]') continue;
    expect(Object.keys(op.responses), `${method} ${path}`).toContain("429");
  }
});
