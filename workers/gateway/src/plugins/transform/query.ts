import { z } from "zod";

const capped = (n: number) => (r: Record<string, unknown>) => Object.keys(r).length <= n;
const name = z.string().min(1).max(256);
// values are percent-encoded by URLSearchParams on the way out, so nothing in them can break the URL
const value = z.string().max(2048);

/**
 * Query-parameter operations, applied in this order: remove, rename (every value moves, order kept), add (sets).
 *
 * @example queryOps.parse({ add: { format: "json" }, remove: ["debug"], rename: { q: "query" } })
 */
export const queryOps = z.strictObject({
  add: z.record(name, value).refine(capped(50), "at most 50 parameters").default({}),
  remove: z.array(name).max(50).default([]),
  rename: z.record(name, name).refine(capped(50), "at most 50 renames").default({}),
});
export type QueryOps = z.output<typeof queryOps>;

/**
 * Applies the ops to a copy of `query`.
 *
 * @example applyQueryOps(new URLSearchParams("q=a&debug=1"), { add: {}, remove: ["debug"], rename: { q: "query" } }).toString() // "query=a"
 */
export function applyQueryOps(query: URLSearchParams, ops: QueryOps): URLSearchParams {
  const out = new URLSearchParams(query);
  for (const n of ops.remove) out.delete(n);
  for (const [from, to] of Object.entries(ops.rename)) {
    const values = out.getAll(from);
    if (values.length === 0) continue;
    out.delete(from);
    out.delete(to);
    for (const v of values) out.append(to, v);
  }
  for (const [n, v] of Object.entries(ops.add)) out.set(n, v);
  return out;
}
