import type { CallResult } from "./call";

/** A failed call as listed in the merged body's `warnings`. */
export interface AggregateWarning {
  call: string;
  reason: string;
}

// defineProperty, not assignment: a name or JSON key "__proto__" stays an own field and never swaps the prototype
const put = (o: Record<string, unknown>, k: string, v: unknown) =>
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Merges the calls' results in call order: "object" puts each body under its name; "flat" merges object
 * bodies' fields (a later call wins a clash) and puts any other body under its name. A failed call's name
 * is null in both, and `warnings` lists the failures (absent when none failed).
 *
 * @example merge([{ name: "a", ok: true, body: { x: 1 } }, { name: "b", ok: false, reason: "timeout" }], "object")
 * // { a: { x: 1 }, b: null, warnings: [{ call: "b", reason: "timeout" }] }
 */
export function merge(results: CallResult[], mode: "object" | "flat"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const warnings: AggregateWarning[] = [];
  for (const r of results) {
    if (!r.ok) {
      put(out, r.name, null);
      warnings.push({ call: r.name, reason: r.reason });
    } else if (mode === "flat" && isObject(r.body)) {
      for (const [k, v] of Object.entries(r.body)) put(out, k, v);
    } else {
      put(out, r.name, r.body);
    }
  }
  if (warnings.length > 0) put(out, "warnings", warnings);
  return out;
}
