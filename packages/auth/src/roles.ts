/**
 * Platform roles: who a user is (`shop:admin`, `saas:admin`, `platform:admin`), granted and revoked
 * through accounts' admin API and carried in access tokens' `roles` claim. Scopes say what a
 * credential may do; roles say who holds it.
 */

/** The role that grants and revokes roles; `hasRole` counts it as every role. */
export const PLATFORM_ADMIN = "platform:admin";
/** The longest role name: two parts of at most 32 characters and the colon. */
export const ROLE_MAX = 65;
/** `<product>:<role>` in lower case, each part a letter then up to 31 letters, digits or dashes (linear: no nested quantifiers). */
export const ROLE_PATTERN = /^[a-z][a-z0-9-]{0,31}:[a-z][a-z0-9-]{0,31}$/;

/**
 * Whether `s` is a role name. The length is checked before the pattern runs, so a 10k-character
 * input costs nothing.
 *
 * @example isRoleName("shop:admin") // true
 * @example isRoleName("Shop:Admin") // false
 */
export const isRoleName = (s: unknown): s is string => typeof s === "string" && s.length <= ROLE_MAX && ROLE_PATTERN.test(s);

/**
 * A list of roles as a credential may carry it (a token claim, an RPC answer): the well-formed role
 * names, deduplicated and sorted, frozen; anything else (absent, not an array) is no roles.
 *
 * @example rolesFrom(["shop:admin", 42, "Bad Role", "shop:admin"]) // ["shop:admin"]
 */
export function rolesFrom(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return Object.freeze([]);
  return Object.freeze([...new Set(value.filter(isRoleName))].sort());
}
