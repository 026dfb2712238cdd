// diffConfigs: what changed between two configs, as a flat list a person can read. Entities are matched by
// name (targets by id, plugins by plugin name), so reordering is not noise and a rename shows as remove +
// add; lists of plain values (hosts, paths, methods, groups) change as a whole.
import type { GatewayConfig } from "./model";

/** One difference: `path` like `services[users].targets[tgt_1].weight` or `routes[api].plugins[cors].config.origins`. */
export interface Change {
  op: "add" | "remove" | "change";
  path: string;
  before?: unknown;
  after?: unknown;
}

/** How the items of a keyed list are identified, by the list's own key. */
const KEY_OF: Record<string, (item: Record<string, unknown>) => string> = {
  services: (s) => String(s.name),
  routes: (r) => String(r.name),
  consumers: (c) => String(c.username),
  issuers: (i) => String(i.name),
  targets: (t) => String(t.id ?? t.url ?? t.binding),
  plugins: (p) => String(p.name),
  jwt: (j) => `${String(j.issuer)}:${String(j.subject)}`,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function walk(before: unknown, after: unknown, path: string, listKey: string, out: Change[]): void {
  if (same(before, after)) return;
  const keyOf = KEY_OF[listKey];
  if (Array.isArray(before) && Array.isArray(after) && keyOf && [...before, ...after].every(isObject)) {
    const a = new Map(before.map((x) => [keyOf(x), x]));
    const b = new Map(after.map((x) => [keyOf(x), x]));
    for (const [k, x] of a) if (!b.has(k)) out.push({ op: "remove", path: `${path}[${k}]`, before: x });
    for (const [k, x] of b) {
      const old = a.get(k);
      if (old === undefined) out.push({ op: "add", path: `${path}[${k}]`, after: x });
      else walk(old, x, `${path}[${k}]`, "", out);
    }
    return;
  }
  if (isObject(before) && isObject(after)) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in after)) out.push({ op: "remove", path: p, before: before[k] });
      else if (!(k in before)) out.push({ op: "add", path: p, after: after[k] });
      else walk(before[k], after[k], p, k, out);
    }
    return;
  }
  out.push({ op: "change", path, before, after });
}

/**
 * The changes that turn config `a` into config `b` (empty when equal).
 *
 * @example diffConfigs(v3.config, v4.config) // [{ op: "change", path: "services[users].retries", before: 1, after: 2 }]
 */
export function diffConfigs(a: GatewayConfig, b: GatewayConfig): Change[] {
  const out: Change[] = [];
  walk(a, b, "", "", out);
  return out;
}
