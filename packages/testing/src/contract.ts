// The response contract: is a response one that the product's OpenAPI document says this operation answers?
// Pure (no workerd or Node APIs): used inside workerd by the setup file (setup-contract.ts) and in Node by e2e tests.
import { Validator } from "@cfworker/json-schema";

/** The parts of an OpenAPI 3.1 document the check reads. */
export interface ContractDocument {
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
}

interface Operation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }>; $ref?: string }>;
}

/** One compiled document: its path templates as segment lists, and a validator per schema. */
export interface CompiledContract {
  doc: ContractDocument;
  routes: { template: string; segments: string[]; methods: Record<string, Operation> }[];
  validators: Map<unknown, Validator>;
}

const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);

/** Compiles a document once (per test file); its routes are sorted so literal segments beat `{params}`. */
export function compileContract(doc: ContractDocument): CompiledContract {
  const routes = Object.entries(doc.paths ?? {}).map(([template, item]) => ({
    template,
    segments: template.split("/").slice(1),
    methods: Object.fromEntries(Object.entries(item).filter(([m]) => METHODS.has(m))) as Record<string, Operation>,
  }));
  // more literal segments first, so /notes/trash wins over /notes/{id}
  const literals = (s: string[]) => s.filter((x) => !x.startsWith("{")).length;
  routes.sort((a, b) => literals(b.segments) - literals(a.segments) || b.segments.length - a.segments.length);
  return { doc, routes, validators: new Map() };
}

const segmentMatches = (template: string, actual: string) => {
  if (!template.startsWith("{")) return template === actual;
  // a parameter matches one non-empty segment, or a template like {name}.{ext}: accept any non-empty segment
  return actual.length > 0;
};

/** The document's operation for `method path` (path without query), or null when no template matches. */
export function findOperation(
  contract: CompiledContract,
  method: string,
  path: string,
): { template: string; method: string; operation: Operation } | null {
  const actual = path.split("/").slice(1);
  const m = method.toLowerCase();
  for (const route of contract.routes) {
    if (route.segments.length !== actual.length) continue;
    if (!route.segments.every((s, i) => segmentMatches(s, actual[i] ?? ""))) continue;
    const operation = route.methods[m] ?? (m === "head" ? route.methods.get : undefined);
    if (operation) return { template: route.template, method: m, operation };
  }
  return null;
}

/** The media types a response's `Content-Type` may be documented under, most specific first. */
function mediaCandidates(contentType: string): string[] {
  const base = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  const [type] = base.split("/");
  return [base, `${type}/*`, "*/*"];
}

const isJson = (mediaType: string) => mediaType === "application/json" || mediaType.endsWith("+json");

export interface ResponseFacts {
  method: string;
  /** The request path, without the query string. */
  path: string;
  status: number;
  /** The response's Content-Type header, or null. */
  contentType: string | null;
  /** The body as text, read only for JSON responses (null when not read or empty). */
  body: string | null;
}

export interface ContractVerdict {
  /** False when no operation of the document matches the request (unknown route): nothing was checked. */
  checked: boolean;
  operation?: string;
  problems: string[];
}

/** Does the response read JSON? The caller reads the body only then. */
export const readsJsonBody = (contentType: string | null) => !!contentType && isJson(mediaCandidates(contentType)[0] ?? "");

function validatorFor(contract: CompiledContract, schema: unknown): Validator {
  let v = contract.validators.get(schema);
  if (!v) {
    // the schema with the document's components beside it, so `#/components/schemas/X` resolves
    const rooted = { ...(schema as object), components: contract.doc.components ?? {} };
    v = new Validator(rooted as never, "2020-12", false);
    contract.validators.set(schema, v);
  }
  return v;
}

/**
 * Checks one response against the document: the status is documented for the operation (exactly, as `4XX`, or
 * `default`), the content type is one of the documented ones, and a JSON body matches the documented schema.
 */
export function checkResponse(contract: CompiledContract, facts: ResponseFacts): ContractVerdict {
  const found = findOperation(contract, facts.method, facts.path);
  if (!found) return { checked: false, problems: [] };
  const name = found.operation.operationId ?? `${found.method.toUpperCase()} ${found.template}`;
  const where = `${name} (${facts.method.toUpperCase()} ${found.template}) answered ${facts.status}`;
  const responses = found.operation.responses ?? {};
  const listed = responses[String(facts.status)] ?? responses[`${String(facts.status)[0]}XX`] ?? responses.default;
  // a shared response (`$ref: #/components/responses/X`) is read where it is defined
  const ref = listed?.$ref?.startsWith("#/components/responses/") ? listed.$ref.slice("#/components/responses/".length) : undefined;
  const documented = ref ? (contract.doc.components?.responses as Record<string, typeof listed> | undefined)?.[ref] : listed;
  if (!documented) {
    return {
      checked: true,
      operation: name,
      problems: [`${where}, which the document does not list (it lists ${Object.keys(responses).join(", ")})`],
    };
  }
  const content = documented.content;
  const hasBody = facts.body !== null && facts.body !== "";
  if (!content || Object.keys(content).length === 0) {
    // no documented body: a redirect or 204 with a body would be a drift; a HEAD has none anyway
    if (hasBody && facts.status !== 304)
      return { checked: true, operation: name, problems: [`${where} with a body the document does not describe`] };
    return { checked: true, operation: name, problems: [] };
  }
  if (facts.status === 304 || facts.method.toLowerCase() === "head") return { checked: true, operation: name, problems: [] };
  if (!facts.contentType) {
    return hasBody
      ? { checked: true, operation: name, problems: [`${where} with no Content-Type`] }
      : { checked: true, operation: name, problems: [] };
  }
  const media = mediaCandidates(facts.contentType).find((m) => content[m]);
  if (!media) {
    return {
      checked: true,
      operation: name,
      problems: [`${where} as ${facts.contentType}; the document lists ${Object.keys(content).join(", ")}`],
    };
  }
  const schema = content[media]?.schema;
  if (!schema || !readsJsonBody(facts.contentType) || !hasBody) return { checked: true, operation: name, problems: [] };
  let value: unknown;
  try {
    value = JSON.parse(facts.body as string);
  } catch {
    return { checked: true, operation: name, problems: [`${where} with a body that is not JSON`] };
  }
  const result = validatorFor(contract, schema).validate(value);
  if (result.valid) return { checked: true, operation: name, problems: [] };
  const errors = result.errors
    .filter((e) => e.keyword !== "properties" && e.keyword !== "items" && e.keyword !== "$ref" && e.keyword !== "allOf")
    .slice(0, 5)
    .map((e) => `${e.instanceLocation}: ${e.error}`);
  return {
    checked: true,
    operation: name,
    problems: [`${where} with a body that does not match its schema: ${(errors.length ? errors : [result.errors[0]?.error]).join("; ")}`],
  };
}
