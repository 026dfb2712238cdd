import { OPEN_PATHS } from "./front";
import { type MergeResult, mergeOpenApi, type OpenApiDoc } from "./openapi-merge";
import type { Registry } from "./registry";
import { bindingOf, withTimeout } from "./upstream";

const documents = new Map<string, { at: number; doc: OpenApiDoc }>();

/** Forgets the isolate's copies of the services' documents (tests). */
export function forgetDocuments(): void {
  documents.clear();
}

/**
 * Each registered service's `/commerce/openapi.json` over its binding (at once, 3 s each), reused for
 * `ttlMs` per isolate; a service that does not answer a document is listed in `unavailable` (not cached,
 * so the next request asks again).
 */
export async function serviceDocuments(
  env: object,
  registry: Registry,
  ttlMs: number,
  now = Date.now(),
): Promise<{ docs: { service: string; doc: OpenApiDoc }[]; unavailable: string[] }> {
  const unavailable: string[] = [];
  const docs = await Promise.all(
    registry.map(async (entry): Promise<{ service: string; doc: OpenApiDoc } | null> => {
      const hit = documents.get(entry.service);
      if (hit && now - hit.at < ttlMs) return { service: entry.service, doc: hit.doc };
      const binding = bindingOf(env, entry.binding);
      try {
        if (!binding) throw new Error("no binding");
        const res = await withTimeout(binding.fetch("https://commerce.internal/commerce/openapi.json"), 3000, "document");
        const doc = (await res.json()) as OpenApiDoc;
        if (res.status !== 200 || typeof doc !== "object" || doc === null || typeof doc.paths !== "object")
          throw new Error("not a document");
        documents.set(entry.service, { at: now, doc });
        return { service: entry.service, doc };
      } catch {
        unavailable.push(entry.service);
        return null;
      }
    }),
  );
  return { docs: docs.filter((d): d is { service: string; doc: OpenApiDoc } => d !== null), unavailable };
}

/** The merged document, with what the merge decided in `x-merge` (collisions, unrouted operations, unavailable services). */
export async function mergedDocument(env: object, registry: Registry, own: OpenApiDoc, ttlMs: number): Promise<OpenApiDoc> {
  const { docs, unavailable } = await serviceDocuments(env, registry, ttlMs);
  // the gateway's open routes and defineProduct's liveness need no credentials
  const merged: MergeResult = mergeOpenApi(own, docs, registry, { openPaths: [...OPEN_PATHS, "/commerce/health"] });
  return { ...merged.document, "x-merge": { collisions: merged.collisions, unrouted: merged.unrouted, unavailable } };
}
