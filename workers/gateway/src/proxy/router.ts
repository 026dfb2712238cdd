// Which route a request takes: host (exact or `*.suffix`; none = any), method (none = any) and path pattern
// (`:param` = one segment, a trailing `*` = the rest, possibly empty), tried in order of priority (higher
// first), then specificity (more literal segments, then exact before `*`, then longer), then definition order.
// Compiled once per snapshot (snapshots are immutable: a WeakMap keeps the table with its snapshot).

import type { CompiledRoute, Snapshot } from "../contract";

interface Entry {
  route: CompiledRoute;
  segments: string[];
  wildcard: boolean;
  methods: Set<string> | null;
  exactHosts: Set<string> | null;
  suffixes: string[];
  /** The route has the cors plugin: it answers CORS preflights whatever its methods. */
  cors: boolean;
}

export type RouteMatch = { route: CompiledRoute; params: Record<string, string> } | { allow: string[] } | null;

const tables = new WeakMap<Snapshot, Entry[]>();

/** `/a/b/` → ["a", "b"]; `/` → []. */
export function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(1, -1) : path.slice(1);
  return trimmed === "" ? [] : trimmed.split("/");
}

function compile(snapshot: Snapshot): Entry[] {
  const entries: (Entry & { literals: number; index: number; priority: number })[] = [];
  snapshot.routes.forEach((route, routeIndex) => {
    const exact = route.hosts.filter((h) => !h.startsWith("*."));
    const suffixes = route.hosts.filter((h) => h.startsWith("*.")).map((h) => h.slice(1));
    for (const [pathIndex, pattern] of route.paths.entries()) {
      const segments = splitPath(pattern);
      const wildcard = segments.at(-1) === "*";
      if (wildcard) segments.pop();
      entries.push({
        route,
        segments,
        wildcard,
        methods: route.methods.length ? new Set(route.methods) : null,
        exactHosts: route.hosts.length ? new Set(exact) : null,
        suffixes,
        cors: route.plugins.some((p) => p.name === "cors"),
        literals: segments.filter((s) => !s.startsWith(":")).length,
        index: routeIndex * 1000 + pathIndex,
        priority: route.priority,
      });
    }
  });
  entries.sort(
    (a, b) =>
      b.priority - a.priority ||
      b.literals - a.literals ||
      Number(a.wildcard) - Number(b.wildcard) ||
      b.segments.length - a.segments.length ||
      a.index - b.index,
  );
  return entries;
}

function hostMatches(entry: Entry, host: string): boolean {
  if (entry.exactHosts === null) return true;
  if (entry.exactHosts.has(host)) return true;
  return entry.suffixes.some((s) => host.endsWith(s) && host.length > s.length);
}

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The parameters of `parts` under `entry`'s pattern, or null when it does not match. */
function pathMatch(entry: Entry, parts: string[]): Record<string, string> | null {
  const n = entry.segments.length;
  if (entry.wildcard ? parts.length < n : parts.length !== n) return null;
  let params: Record<string, string> | null = null;
  for (let i = 0; i < n; i++) {
    const segment = entry.segments[i] as string;
    const part = parts[i] as string;
    if (segment.charCodeAt(0) === 58 /* : */) {
      params ??= {};
      params[segment.slice(1)] = decode(part);
    } else if (segment !== part) return null;
  }
  params ??= {};
  if (entry.wildcard) params["*"] = parts.slice(n).join("/");
  return params;
}

/**
 * The route for `method` `host` `path` (the path under the workspace, raw), with its parameters; `{ allow }`
 * when routes match the path but not the method (405); null when nothing matches (404). A CORS preflight
 * (`preflight`: OPTIONS with Access-Control-Request-Method) also matches a route with the cors plugin whatever
 * its methods, so that the plugin answers it (a browser would otherwise fail every non-simple call).
 *
 * @example matchRoute(snapshot, "GET", "api.example.com", "/v1/users/7") // { route, params: { id: "7" } }
 */
export function matchRoute(snapshot: Snapshot, method: string, host: string, path: string, preflight = false): RouteMatch {
  let table = tables.get(snapshot);
  if (!table) {
    table = compile(snapshot);
    tables.set(snapshot, table);
  }
  const parts = splitPath(path);
  let allow: Set<string> | null = null;
  for (const entry of table) {
    if (!hostMatches(entry, host)) continue;
    const params = pathMatch(entry, parts);
    if (params === null) continue;
    if (entry.methods === null || entry.methods.has(method) || (preflight && entry.cors)) return { route: entry.route, params };
    allow ??= new Set();
    for (const m of entry.methods) allow.add(m);
  }
  return allow ? { allow: [...allow].sort() } : null;
}
