import { z } from "zod";

// JSON body field mapping on dotted paths (`user.address.city`). Only plain objects are walked (arrays and
// scalars are left alone), and the prototype's names are refused at config time, so a mapping can never
// reach Object.prototype.

const SEGMENT = /^[A-Za-z0-9_$-]{1,64}$/;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/**
 * A dotted field path: 1..16 segments of letters, digits, `_`, `$`, `-`; never `__proto__`/`constructor`/`prototype`.
 *
 * @example fieldPath.parse("user.name")
 */
export const fieldPath = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => {
    const parts = s.split(".");
    return parts.length <= 16 && parts.every((p) => SEGMENT.test(p) && !FORBIDDEN.has(p));
  }, "must be dotted field names (letters, digits, _ $ -), not __proto__, constructor or prototype");

/** A constant to add: any JSON value, ≤ 4 KiB serialised. */
const constant = z.json().refine((v) => JSON.stringify(v).length <= 4096, "must be at most 4096 bytes of JSON");

/**
 * The body operations of one direction, applied in this order: remove, rename, add.
 *
 * @example bodyOps.parse({ rename: { user_name: "userName" }, remove: ["internal"], add: { "meta.via": "gateway" } })
 */
export const bodyOps = z.strictObject({
  remove: z.array(fieldPath).max(50).default([]),
  rename: z
    .record(fieldPath, fieldPath)
    .refine((r) => Object.keys(r).length <= 50, "at most 50 renames")
    .default({}),
  add: z
    .record(fieldPath, constant)
    .refine((r) => Object.keys(r).length <= 50, "at most 50 constants")
    .default({}),
});
export type BodyOps = z.output<typeof bodyOps>;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** True when the ops change nothing (the body is then never read). */
export const bodyOpsEmpty = (ops: BodyOps): boolean =>
  ops.remove.length === 0 && Object.keys(ops.rename).length === 0 && Object.keys(ops.add).length === 0;

/** The object holding the last segment (created along the way when `create`), or null. */
function parentOf(doc: Obj, path: string, create: boolean): { parent: Obj; key: string } | null {
  const parts = path.split(".");
  let node: Obj = doc;
  for (const part of parts.slice(0, -1)) {
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (isObject(next)) {
      node = next;
    } else if (next === undefined && create) {
      const made: Obj = {};
      node[part] = made;
      node = made;
    } else {
      return null;
    }
  }
  return { parent: node, key: parts[parts.length - 1] as string };
}

/**
 * Applies the ops to a parsed JSON document in place and returns it; a non-object document is returned as is.
 *
 * @example applyBodyOps({ a: { b: 1 }, secret: 2 }, { remove: ["secret"], rename: { "a.b": "c" }, add: { v: 1 } }) // { a: {}, c: 1, v: 1 }
 */
export function applyBodyOps(doc: unknown, ops: BodyOps): unknown {
  if (!isObject(doc)) return doc;
  for (const path of ops.remove) {
    const at = parentOf(doc, path, false);
    if (at) delete at.parent[at.key];
  }
  for (const [from, to] of Object.entries(ops.rename)) {
    const src = parentOf(doc, from, false);
    if (!src || !Object.hasOwn(src.parent, src.key)) continue;
    const value = src.parent[src.key];
    delete src.parent[src.key];
    const dst = parentOf(doc, to, true);
    if (dst) dst.parent[dst.key] = value;
  }
  for (const [path, value] of Object.entries(ops.add)) {
    const dst = parentOf(doc, path, true);
    // a fresh copy per request: the config's constant is shared by every request
    if (dst) dst.parent[dst.key] = structuredClone(value);
  }
  return doc;
}
