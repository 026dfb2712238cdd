/** The parts of an OpenAPI 3.1 document the error-documentation check reads. */
export interface OpenApiDocument {
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export interface OpenApiOperation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

/** Which operation is meant: its method (lower case, as in the document), path template and body. */
export interface OperationRef {
  method: string;
  path: string;
  op: OpenApiOperation;
}

export interface ErrorDocRules {
  /** Operations the check leaves out, e.g. the blog's RealWorld routes with their own error shape. */
  skip?: (ref: OperationRef) => boolean;
  /** Secured operations that answer a credential lacking the scope with 403; default all (the blog answers 401). */
  forbidden?: (ref: OperationRef) => boolean;
  /** Operations that answer 429; default: every secured POST, PUT, PATCH and DELETE (the product's write limit). */
  rateLimited?: (ref: OperationRef) => boolean;
}

const METHODS = new Set(["get", "put", "post", "patch", "delete", "head", "options"]);
const WRITES = new Set(["post", "put", "patch", "delete"]);

const isSecured = (doc: OpenApiDocument, op: OpenApiOperation) => (op.security ?? doc.security ?? []).length > 0;

/** The 4xx statuses an operation must document, and why, by the house rules in ARCHITECTURE.md's "Errors". */
function requiredErrors(doc: OpenApiDocument, ref: OperationRef, rules: ErrorDocRules): [status: string, why: string][] {
  const { op } = ref;
  const params = op.parameters ?? [];
  const out: [string, string][] = [];
  if (isSecured(doc, op)) {
    out.push(["401", "it is secured"]);
    if (rules.forbidden?.(ref) ?? true) out.push(["403", "it is secured (scopes)"]);
  }
  // a path parameter alone may be answered 404 for any value (an unknown slug is not "invalid"); a
  // form or file body has its own failure statuses (401 wrong password, 413, 415)
  if (op.requestBody?.content?.["application/json"]) out.push(["422", "it takes a JSON body"]);
  else if (params.some((p) => p.in === "query")) out.push(["422", "it takes query parameters"]);
  // a WebSocket upgrade (it documents 426) checks its single-use ticket before any lookup: an unknown room is 401
  const upgrade = "426" in (op.responses ?? {});
  if (params.some((p) => p.in === "path") && !upgrade) out.push(["404", "it names a resource in its path"]);
  const limited = rules.rateLimited ?? (({ method, op: o }: OperationRef) => WRITES.has(method) && isSecured(doc, o));
  if (limited(ref)) out.push(["429", "it is a rate-limited write"]);
  return out;
}

/**
 * Lists, one line each, where an OpenAPI document fails to document the errors its operations can
 * answer: every documented 4xx must be `application/problem+json` (RFC 9457), and an operation must
 * document 401 and 403 when it is secured, 422 when it takes a JSON body or query parameters, 404 when
 * its path names a resource (but for a WebSocket upgrade, whose ticket answers first), and 429 when it
 * is a rate-limited write. An empty list means conformant.
 *
 * @example
 * const doc = await (await SELF.fetch("http://todo.test/todo/openapi.json")).json();
 * expect(findUndocumentedErrors(doc)).toEqual([]);
 */
export function findUndocumentedErrors(doc: OpenApiDocument, rules: ErrorDocRules = {}): string[] {
  const gaps: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const ref = { method, path, op };
      if (rules.skip?.(ref)) continue;
      const label = `${method.toUpperCase()} ${path}`;
      const responses = op.responses ?? {};
      for (const [status, why] of requiredErrors(doc, ref, rules)) {
        if (!(status in responses)) gaps.push(`${label} does not document ${status} (${why})`);
      }
      for (const [status, response] of Object.entries(responses)) {
        if (/^4\d\d$/.test(status) && !response.content?.["application/problem+json"])
          gaps.push(`${label} documents ${status} without an application/problem+json body`);
      }
    }
  }
  return gaps;
}
