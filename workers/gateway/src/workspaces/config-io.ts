import { ApiError, mediaTypeOf } from "@edgeworks/http";

/** The two formats a config document travels in. */
export type ConfigFormat = "json" | "yaml";

/** Media types read as YAML (RFC 9512 registered application/yaml; the others are still common). */
const YAML_TYPES = new Set(["application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml"]);

/**
 * The format of a request body from its Content-Type: JSON (`application/json`, `+json`) or YAML; 415 otherwise.
 *
 * @example bodyFormat("application/yaml; charset=utf-8") // "yaml"
 */
export function bodyFormat(contentType: string | undefined): ConfigFormat {
  const type = mediaTypeOf(contentType);
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (YAML_TYPES.has(type)) return "yaml";
  throw new ApiError("unsupported_media_type", "The config must be application/json or application/yaml");
}

/**
 * The format an `Accept` header prefers: YAML only when a YAML type has a higher q than JSON (ties and
 * wildcards go to JSON, the API's default). Reads at most 32 entries, so a long header costs little.
 *
 * @example preferredFormat("application/yaml, application/json;q=0.5") // "yaml"
 */
export function preferredFormat(accept: string | undefined): ConfigFormat {
  if (!accept) return "json";
  let yaml = 0;
  let json = 0;
  for (const part of accept.slice(0, 2048).split(",").slice(0, 32)) {
    const [type = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (YAML_TYPES.has(type)) yaml = Math.max(yaml, q);
    else if (type === "application/json" || type === "application/*" || type === "*/*") json = Math.max(json, q);
  }
  return yaml > json ? "yaml" : "json";
}

/** The Content-Type a rendered document is sent with. */
export const contentTypeOf = (format: ConfigFormat): string =>
  format === "yaml" ? "application/yaml; charset=utf-8" : "application/json; charset=utf-8";

/** The strong ETag of a config version (`If-Match` on writes compares against it). @example etagOf(7) // "\"7\"" */
export const etagOf = (version: number): string => `"${version}"`;

/** A config document is at most this deep (plugin configs included); deeper input is refused before any recursive walk. */
export const MAX_DEPTH = 32;

/** The 422 for a document (or entry) nested deeper than {@link MAX_DEPTH}. */
export const tooDeep = (): ApiError =>
  new ApiError("validation_failed", "The config document is nested too deeply", {
    errors: [{ path: "", location: "body", message: `Must be nested at most ${MAX_DEPTH} levels deep` }],
  });

/**
 * Whether `value` nests objects/arrays deeper than `max`, walked iteratively (no recursion, so hostile input
 * cannot exhaust the stack here) and stopping at the first level past `max`.
 *
 * @example nestedDeeperThan([[[1]]], 2) // true
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    const next: unknown[] = [];
    let children = false;
    for (const v of level) {
      // a loop, not push(...values): a 200 000-item array would overflow the argument list
      for (const child of Object.values(v as object)) {
        children = true;
        if (typeof child === "object" && child !== null) next.push(child);
      }
    }
    if (children && depth + 1 > max) return true;
    level = next;
  }
  return false;
}

/**
 * Refuses (422) a document or entry nested deeper than {@link MAX_DEPTH}, before anything walks it recursively.
 *
 * @example checkDepth(JSON.parse(text));
 */
export function checkDepth(value: unknown): void {
  if (nestedDeeperThan(value, MAX_DEPTH)) throw tooDeep();
}
