import { hasRole, type Principal, requireRole } from "@edgeworks/auth";
import { idempotency, idempotencyKeyHeaders } from "@edgeworks/http";
import { authenticateIfPresent, type OptionalAuthEnv } from "@edgeworks/product";
import type { ShopEnv } from "../product";

/** Routes open to anonymous callers (catalog reads): `c.var.auth` is set only when a credential was sent. */
export type OpenEnv = OptionalAuthEnv<Env>;

/** The platform role of the shop's staff: admin routes need it (403 otherwise). */
export const SHOP_ADMIN = "shop:admin";

/** Whether the caller (if any) is a shop admin: admins also see drafts, archived products and stock. */
export const isAdmin = (auth: Principal | undefined): boolean => auth !== undefined && hasRole(auth, SHOP_ADMIN);

/** Optional authentication of the open catalog reads: a credential, when sent, must be valid (401) and hold `shop:read` (403). */
export const readAuth = authenticateIfPresent<Env>({ scope: "shop:read" });

/** 403 problem unless the caller has the `shop:admin` role. */
export const adminOnly = requireRole(SHOP_ADMIN);

/** `Idempotency-Key` on a mutating route (packages/http): a retry within 24 h replays the first 2xx answer. */
export const idempotent = idempotency<ShopEnv>({ database: (env) => env.DB });

/** The `Idempotency-Key` request header, documented on every mutating route. */
export const idempotencyHeaders = idempotencyKeyHeaders();

/** Documented on every mutating route. */
export { IDEMPOTENCY_NOTE } from "@edgeworks/http";

/** OpenAPI security of the guarded routes. */
export const bearer: Record<string, string[]>[] = [{ bearerAuth: [] }];
/** OpenAPI security of the open reads: anonymous, or a Bearer token (admins see drafts). */
export const optionalBearer: Record<string, string[]>[] = [{}, { bearerAuth: [] }];

/** ISO-8601 of an epoch-ms time. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** The messages of an error and its causes (drizzle wraps D1's error as the `cause` of "Failed query"). */
function messagesOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) parts.push(e.message);
  return parts.join("\n");
}

/** Whether a D1 write failed on a UNIQUE constraint (of `column`, e.g. "products.slug", when given). */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  const text = messagesOf(err);
  return text.includes("UNIQUE constraint failed") && (column === undefined || text.includes(column));
}
