import { ROLE_MAX, ROLE_PATTERN } from "@edgeworks/auth";
import { z } from "@hono/zod-openapi";

/** `granted_by` of a bootstrap grant from the ADMIN_EMAILS var. */
export const BOOTSTRAP_ACTOR = "ADMIN_EMAILS";
/** Roles one user may hold: they all travel in every access token. */
export const MAX_ROLES_PER_USER = 20;

/** A role name in a path or body: 422 unless it is `<product>:<role>` in lower case. */
export const roleField = () =>
  z
    .string()
    // abort: the pattern never sees an over-long input
    .max(ROLE_MAX, { message: `Must be at most ${ROLE_MAX} characters`, abort: true })
    .regex(ROLE_PATTERN, "Must be `<product>:<role>` in lower case, e.g. `shop:admin`")
    .openapi({ description: "A platform role, `<product>:<role>` in lower case", example: "shop:admin" });

/**
 * The addresses of the `ADMIN_EMAILS` var (comma-separated; trimmed, lower-cased, empty entries
 * dropped). A user whose *verified* address is listed gets `platform:admin` at verification or login.
 *
 * @example adminEmailsOf(" Ann@Example.com, ,bob@example.com") // Set {"ann@example.com", "bob@example.com"}
 */
export function adminEmailsOf(value: string | undefined): ReadonlySet<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((e) => e.trim().toLowerCase())
      .filter((e) => e !== ""),
  );
}
