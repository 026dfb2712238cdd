// Upstream path templates (`/users/:id/profile`, `/files/*`) and prefix stripping, shared by transform's
// rewrite and aggregate's calls. Safety first: a path that leaves the workspace's tree (a `.`/`..` segment,
// raw or percent-encoded), or smuggles a separator (`%2f`, `\`, NUL), is refused, never resolved.

const PARAM = /^:[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// RFC 3986 pchar minus ":" at the start (a param) and "*" (the wildcard); "%" is checked as %XX separately.
const LITERAL = /^[A-Za-z0-9._~!$&'()+,;=:@%-]*$/;
const PCT = /%(?![0-9A-Fa-f]{2})/;

/** Max length of a template and of an expanded path. */
export const PATH_MAX = 2048;

/** Why one path segment is unsafe, or null. Decodes only the dot, slash, backslash and NUL escapes. */
function segmentProblem(segment: string): string | null {
  const lower = segment.toLowerCase();
  if (lower.includes("%2f") || lower.includes("%5c") || lower.includes("%00") || segment.includes("\\") || segment.includes("\0")) {
    return "an encoded slash, backslash or NUL";
  }
  if (segment.includes("?") || segment.includes("#")) return "a query or fragment character";
  const dots = lower.replaceAll("%2e", ".");
  if (dots === "." || dots === "..") return "a '.' or '..' segment";
  return null;
}

/**
 * Why a concrete upstream path is unsafe (does not start with "/", too long, a dot segment, an encoded
 * separator), or null when it may go upstream.
 *
 * @example pathProblem("/a/%2E%2E/admin") // "contains a '.' or '..' segment"
 */
export function pathProblem(path: string): string | null {
  if (!path.startsWith("/")) return "must start with /";
  if (path.length > PATH_MAX) return `is longer than ${PATH_MAX} characters`;
  for (const segment of path.split("/")) {
    const p = segmentProblem(segment);
    if (p) return `contains ${p}`;
  }
  return null;
}

/**
 * Config-time check of a template: starts with "/", segments are literals, `:name` params or a final `*`,
 * and no literal can escape (dot segments, encoded separators, malformed %XX).
 *
 * @example templateProblem("/v2/users/:id") // null
 * @example templateProblem("/../admin") // "contains a '.' or '..' segment"
 */
export function templateProblem(template: string): string | null {
  if (!template.startsWith("/")) return "must start with /";
  if (template.length > PATH_MAX) return `is longer than ${PATH_MAX} characters`;
  const segments = template.split("/").slice(1);
  for (const [i, segment] of segments.entries()) {
    if (segment === "*") {
      if (i !== segments.length - 1) return "may use * only as the last segment";
      continue;
    }
    if (segment.startsWith(":")) {
      if (!PARAM.test(segment)) return `has an invalid parameter '${segment.slice(0, 70)}' (use :name)`;
      continue;
    }
    const p = segmentProblem(segment);
    if (p) return `contains ${p}`;
    if (!LITERAL.test(segment) || PCT.test(segment)) return `has an invalid character in '${segment.slice(0, 70)}'`;
  }
  return null;
}

/** Collapses empty segments ("//") so the upstream sees one canonical spelling; keeps a trailing slash. */
export function normalisePath(path: string): string {
  const parts = path.split("/").filter((s) => s !== "");
  const trailing = path.length > 1 && path.endsWith("/");
  return `/${parts.join("/")}${trailing && parts.length > 0 ? "/" : ""}`;
}

const encodeSegment = (v: string): string => (v === "." || v === ".." ? v : encodeURIComponent(v));

/** The outcome of expanding a template with a request's params. */
export type Expanded = { ok: true; path: string } | { ok: false; missing?: string; problem?: string };

/**
 * Fills a template's `:name` and `*` from the route's (decoded) params, percent-encoding them again,
 * normalises the result and checks it stays safe (the values come from the client's path). A `/` inside a
 * `:name` value becomes `%2F` and is refused, like a `.`/`..` segment.
 *
 * @example expandTemplate("/users/:id/profile", { id: "7" }) // { ok: true, path: "/users/7/profile" }
 */
export function expandTemplate(template: string, params: Readonly<Record<string, string>>): Expanded {
  const out: string[] = [];
  for (const segment of template.split("/").slice(1)) {
    const name = segment === "*" ? "*" : segment.startsWith(":") ? segment.slice(1) : null;
    if (name === null) {
      out.push(segment);
      continue;
    }
    const value = params[name];
    if (value === undefined) return { ok: false, missing: name };
    // the router hands params over decoded; the upstream path is raw, so each segment is encoded again
    // ("a b" → "a%20b"), except that a dot segment stays a dot segment and is refused below
    out.push(name === "*" ? value.split("/").map(encodeSegment).join("/") : encodeSegment(value));
  }
  const path = normalisePath(`/${out.join("/")}`);
  const problem = pathProblem(path);
  return problem ? { ok: false, problem } : { ok: true, path };
}

/**
 * Removes `prefix` from `path` on a segment boundary: `/api` strips `/api/x` → `/x` and `/api` → `/`,
 * but leaves `/apix` alone.
 *
 * @example stripPrefix("/api/v1/users", "/api") // "/v1/users"
 */
export function stripPrefix(path: string, prefix: string): string {
  const p = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  if (p === "") return path;
  if (path === p) return "/";
  return path.startsWith(`${p}/`) ? path.slice(p.length) : path;
}
