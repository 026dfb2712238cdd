import { describe, expect, it } from "vitest";
import { findUndocumentedErrors, type OpenApiDocument, type OpenApiOperation } from "../src/openapi-errors";

const problem = { content: { "application/problem+json": {} } };
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [String(s), problem]));
const secured = [{ bearerAuth: [] }];

/** A document with one operation at `/x/v1/things/{id}`. */
const docWith = (method: string, op: OpenApiOperation): OpenApiDocument => ({ paths: { "/x/v1/things/{id}": { [method]: op } } });
const pathParam = [{ name: "id", in: "path" }];
const jsonBody = { content: { "application/json": {} } };

describe("findUndocumentedErrors", () => {
  it("passes an operation that documents everything that applies", () => {
    const op = {
      security: secured,
      parameters: pathParam,
      requestBody: jsonBody,
      responses: { "200": {}, ...errors(401, 403, 404, 422, 429) },
    };
    expect(findUndocumentedErrors(docWith("patch", op))).toEqual([]);
  });

  it("fails a secured operation that lacks a 401", () => {
    const op = { security: secured, parameters: pathParam, responses: { "200": {}, ...errors(403, 404, 422) } };
    expect(findUndocumentedErrors(docWith("get", op))).toEqual(["GET /x/v1/things/{id} does not document 401 (it is secured)"]);
  });

  it("reads the document-wide security when an operation has none, and `security: []` as open", () => {
    const doc: OpenApiDocument = {
      security: secured,
      paths: { "/a": { get: { responses: errors(403) } }, "/b": { get: { security: [], responses: {} } } },
    };
    expect(findUndocumentedErrors(doc)).toEqual(["GET /a does not document 401 (it is secured)"]);
  });

  it("asks 422 for a JSON body or query parameters, 404 for a path parameter and 429 for a secured write", () => {
    const op = { security: secured, parameters: pathParam, requestBody: jsonBody, responses: errors(401, 403) };
    expect(findUndocumentedErrors(docWith("post", op))).toEqual([
      "POST /x/v1/things/{id} does not document 422 (it takes a JSON body)",
      "POST /x/v1/things/{id} does not document 404 (it names a resource in its path)",
      "POST /x/v1/things/{id} does not document 429 (it is a rate-limited write)",
    ]);
    const query = { parameters: [{ name: "q", in: "query" }], responses: {} };
    expect(findUndocumentedErrors({ paths: { "/search": { get: query } } })).toEqual([
      "GET /search does not document 422 (it takes query parameters)",
    ]);
    // a form body and a bare path parameter have their own failures (401, 413, 415; 404 for any unknown value)
    const form = { parameters: pathParam, requestBody: { content: { "application/x-www-form-urlencoded": {} } }, responses: errors(404) };
    expect(findUndocumentedErrors(docWith("post", form))).toEqual([]);
    // a WebSocket upgrade's ticket is checked first: an unknown resource is 401, not 404
    const ws = { security: [], parameters: pathParam, responses: errors(401, 426) };
    expect(findUndocumentedErrors(docWith("get", ws))).toEqual([]);
  });

  it("fails a 4xx documented without a problem+json body", () => {
    const doc = { paths: { "/open": { get: { responses: { "200": {}, "404": { content: { "application/json": {} } } } } } } };
    expect(findUndocumentedErrors(doc)).toEqual(["GET /open documents 404 without an application/problem+json body"]);
  });

  it("follows the rules given: skipped operations and another rate-limit policy", () => {
    const doc = docWith("delete", { security: secured, parameters: pathParam, responses: errors(401, 403, 404, 422) });
    expect(findUndocumentedErrors(doc)).toHaveLength(1);
    expect(findUndocumentedErrors(doc, { rateLimited: () => false })).toEqual([]);
    const noScopes = docWith("get", { security: secured, responses: errors(401) });
    expect(findUndocumentedErrors(noScopes)).toEqual(["GET /x/v1/things/{id} does not document 403 (it is secured (scopes))"]);
    expect(findUndocumentedErrors(noScopes, { forbidden: () => false })).toEqual([]);
    expect(findUndocumentedErrors(doc, { skip: ({ path }) => path.startsWith("/x/") })).toEqual([]);
  });

  it("ignores path-item members that are not operations", () => {
    const doc = { paths: { "/a": { parameters: { responses: {} } as OpenApiOperation, get: { responses: {} } } } };
    expect(findUndocumentedErrors(doc)).toEqual([]);
  });
});
