// Field rules shared by the config model: names, ids, hostnames and path patterns. Each check looks at the
// length first and uses only linear patterns (user input), so a hostile document costs O(n).
import { nanoid } from "nanoid";
import { z } from "zod";

/** Entity names (services, routes, consumers' usernames, issuers, groups): lower-case, 1..63 characters. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const nameField = z
  .string()
  .max(63, "Must be at most 63 characters")
  .regex(NAME_PATTERN, "Must be 1..63 of a-z, 0-9, _ and -, starting with a letter or digit");

/** The id prefix of each kind of entity. */
export const ID_PREFIX = { service: "svc", target: "tgt", route: "rte", consumer: "csm" } as const;
export type IdKind = keyof typeof ID_PREFIX;

const ID_BODY = /^[A-Za-z0-9_-]{1,40}$/;

/** An id of `kind` as a field: optional on input (generated when absent), its prefix checked when given. */
export const idField = (kind: IdKind) =>
  z
    .string()
    .max(48, "Must be at most 48 characters")
    .refine(
      (v) => v.startsWith(`${ID_PREFIX[kind]}_`) && ID_BODY.test(v.slice(ID_PREFIX[kind].length + 1)),
      `Must be ${ID_PREFIX[kind]}_ followed by 1..40 of A-Z, a-z, 0-9, _ and -`,
    )
    .optional();

/**
 * A new id of `kind`: its prefix and 16 nanoid characters.
 *
 * @example newId("service") // "svc_V1StGXR8_Z5jdHi6"
 */
export const newId = (kind: IdKind): string => `${ID_PREFIX[kind]}_${nanoid(16)}`;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Whether `host` is a lower-case DNS name (labels of 1..63, total ≤ 253), optionally `*.`-prefixed.
 *
 * @example isHostname("*.api.example.com", true) // true
 */
export function isHostname(host: string, wildcard: boolean): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const name = wildcard && host.startsWith("*.") ? host.slice(2) : host;
  const labels = name.split(".");
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^[0-9]+$/.test(labels.at(-1) as string);
}

export const hostField = (wildcard: boolean) =>
  z
    .string()
    .max(253, "Must be at most 253 characters")
    .transform((h) => h.toLowerCase())
    .refine((h) => isHostname(h, wildcard), wildcard ? "Must be a host name or *.suffix" : "Must be a host name");

const PARAM = /^:[A-Za-z_][A-Za-z0-9_]{0,31}$/;
// RFC 3986 pchar minus ":" at the start (a parameter) and "%" only as a valid escape (checked below)
const LITERAL = /^[A-Za-z0-9._~!$&'()+,;=@%:-]{1,256}$/;
const ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/**
 * Why `pattern` is not a route path pattern, or null: `/`-rooted segments, each a literal, a `:param` or
 * (last only) `*`; no empty, `.` or `..` segments, no encoded slash.
 *
 * @example pathPatternProblem("/v1/users/:id") // null
 */
export function pathPatternProblem(pattern: string): string | null {
  if (pattern.length > 512) return "Must be at most 512 characters";
  if (!pattern.startsWith("/")) return "Must start with /";
  if (pattern === "/") return null;
  const segments = pattern.slice(1).split("/");
  const names = new Set<string>();
  for (const [i, s] of segments.entries()) {
    if (s === "*") {
      if (i !== segments.length - 1) return "* may only be the last segment";
      continue;
    }
    if (s.startsWith(":")) {
      if (!PARAM.test(s)) return `Bad parameter ${s.slice(0, 40)}: :name of A-Z, a-z, 0-9, _`;
      if (names.has(s)) return `Parameter ${s} appears twice`;
      names.add(s);
      continue;
    }
    if (s === "" || s === "." || s === "..") return "Must not contain empty, . or .. segments";
    if (!LITERAL.test(s) || ESCAPE.test(s)) return `Bad segment ${s.slice(0, 40)}`;
    if (/%2f|%5c|%00/i.test(s)) return "Must not contain encoded /, \\ or NUL";
  }
  return null;
}

export const pathPatternField = z.string().superRefine((p, ctx) => {
  const problem = pathPatternProblem(p);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A plain request path (health checks): `/`-rooted, printable ASCII, ≤ 512. */
export const requestPathField = z
  .string()
  .max(512, "Must be at most 512 characters")
  .regex(/^\/[\x21-\x7e]*$/, "Must start with / and be printable ASCII without spaces")
  .refine((p) => !p.split(/[/?]/).some((s) => s === ".." || s === "."), "Must not contain . or .. segments");

/**
 * Renders a zod-style path as the 422's `routes[2].plugins[0].config.limit`.
 *
 * @example formatPath(["routes", 2, "name"]) // "routes[2].name"
 */
export const formatPath = (parts: readonly PropertyKey[]): string =>
  parts.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");

/** Records one problem at a path (validation collects them all). */
export type Add = (path: string, message: string) => void;
