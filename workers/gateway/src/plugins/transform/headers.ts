import { z } from "zod";
import { headerValue, writableHeaderName } from "./names";

const capped = (n: number) => (r: Record<string, unknown>) => Object.keys(r).length <= n;

/**
 * Header operations of one direction, applied in this order: remove, rename, add (add sets the value,
 * replacing any the header had, so a client cannot pre-set a header the gateway adds).
 *
 * @example headerOps.parse({ add: { "X-Api-Version": "2" }, remove: ["X-Internal"], rename: { "X-Old": "X-New" } })
 */
export const headerOps = z.strictObject({
  add: z.record(writableHeaderName, headerValue).refine(capped(50), "at most 50 headers").default({}),
  remove: z.array(writableHeaderName).max(50).default([]),
  rename: z.record(writableHeaderName, writableHeaderName).refine(capped(50), "at most 50 renames").default({}),
});
export type HeaderOps = z.output<typeof headerOps>;

/** True when the ops change nothing. */
export const headerOpsEmpty = (ops: HeaderOps): boolean =>
  ops.remove.length === 0 && Object.keys(ops.rename).length === 0 && Object.keys(ops.add).length === 0;

/**
 * Applies the ops to a copy of `headers`. A rename moves every value (Set-Cookie included) to the new name.
 *
 * @example const h = applyHeaderOps(req.headers, { add: { "x-v": "2" }, remove: [], rename: {} });
 */
export function applyHeaderOps(headers: Headers, ops: HeaderOps): Headers {
  const out = new Headers(headers);
  for (const name of ops.remove) out.delete(name);
  for (const [from, to] of Object.entries(ops.rename)) {
    const values = from === "set-cookie" ? out.getAll("set-cookie") : out.has(from) ? [out.get(from) as string] : [];
    if (values.length === 0) continue;
    out.delete(from);
    out.delete(to);
    for (const v of values) out.append(to, v);
  }
  for (const [name, value] of Object.entries(ops.add)) out.set(name, value);
  return out;
}
