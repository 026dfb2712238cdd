import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";

type Schema = {
  properties?: Record<string, Schema>;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  items?: Schema;
  $ref?: string;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, Schema> };
};

describe("the OpenAPI document", () => {
  // each test reads its own copy, so any one of them passes or fails alone (`-t`)
  let doc: Doc;
  let status = 0;
  beforeAll(async () => {
    const res = await SELF.fetch("http://notes.test/notes/openapi.json");
    status = res.status;
    doc = (await res.json()) as Doc;
  });

  it("is OpenAPI 3.1 at /notes/openapi.json, with a docs page", async () => {
    expect(status).toBe(200);
    expect(doc.openapi).toBe("3.1.0");
    expect((await SELF.fetch("http://notes.test/notes/docs")).headers.get("Content-Type")).toMatch(/^text\/html/);
  });

  it("describes every route of the contract", () => {
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        "POST /notes/v1/notebooks",
        "PATCH /notes/v1/notebooks/{id}",
        "POST /notes/v1/notes",
        "GET /notes/v1/notes/{id}",
        "PATCH /notes/v1/notes/{id}",
        "DELETE /notes/v1/notes/{id}",
        "POST /notes/v1/notes/{id}/restore",
        "GET /notes/v1/search",
        "GET /notes/v1/trash",
        "GET /notes/v1/notes/{id}/revisions",
        "POST /notes/v1/notes/{id}/revisions/{revisionId}/restore",
        "GET /notes/v1/notes/{id}/html",
        "POST /notes/v1/notes/{id}/shares",
        "POST /notes/v1/notebooks/{id}/shares",
        "GET /notes/v1/shared",
        "POST /notes/v1/notes/{id}/public-link",
        "GET /notes/v1/public/{token}",
        "GET /notes/v1/notes/{id}/export",
        "GET /notes/v1/notebooks/{id}/export",
        "POST /notes/v1/notes/import",
        "POST /notes/v1/notes/{id}/attachments",
        "GET /notes/v1/attachments/{id}",
      ]),
    );
    expect(routes).toHaveLength(40);
  });

  it("documents the limits exactly as enforced", () => {
    const create = doc.components.schemas.CreateNote?.properties ?? {};
    expect(create.title).toMatchObject({ minLength: 1, maxLength: 500 });
    expect(create.content).toMatchObject({ minLength: 0, maxLength: 1048576 });
    expect(create.tags).toMatchObject({ maxItems: 20, items: { minLength: 1, maxLength: 50 } });
    expect(doc.components.schemas.CreateNotebook?.properties?.name).toMatchObject({ minLength: 1, maxLength: 200 });
  });

  it("marks every route but health and public links as needing a bearer token, and those as public (security: [])", () => {
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) {
        const open = path === "/notes/health" || path.startsWith("/notes/v1/public/");
        expect(op.security, path).toEqual(open ? [] : [{ bearerAuth: [] }]);
      }
    }
  });

  it("names every operation with a unique camelCase operationId", () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids).toHaveLength(40);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths["/notes/v1/notes/{id}"]?.delete?.operationId).toBe("trashNote");
    expect(doc.paths["/notes/v1/notebooks/{id}/shares"]?.post?.operationId).toBe("shareNotebook");
  });

  // the D1 session refuses a malformed bookmark before any route runs (packages/product documents it for d1 products)
  it("documents on every /notes/v1 operation the 400 of a malformed X-D1-Bookmark", () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith("/notes/v1/")) continue;
      for (const [method, op] of Object.entries(ops)) expect(Object.keys(op.responses), `${method} ${path}`).toContain("400");
    }
  });
});
