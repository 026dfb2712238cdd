import { z } from "@hono/zod-openapi";
import { ApiError } from "./errors";

/** Query parameters shared by every paginated list: `limit` (1..100, default 20) and an opaque `cursor`. */
export const paginationQuery = {
  limit: z.coerce
    .number()
    .int("Must be an integer")
    .min(1, "Must be at least 1")
    .max(100, "Must be at most 100")
    .default(20)
    .openapi({ description: "Page size, 1..100", example: 20 }),
  cursor: z.string().max(512).optional().openapi({ description: "Opaque cursor from a previous page's `nextCursor`" }),
};

const b64url = (s: string) =>
  btoa(s)
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/={1,2}$/, "");
const unb64url = (s: string) => atob(s.replaceAll("-", "+").replaceAll("_", "/"));

/**
 * Encodes keyset position values into an opaque cursor. The `scope` (e.g. the sort key) is bound
 * into the cursor so that a cursor cannot be replayed against a different ordering.
 *
 * @example encodeCursor("createdAt:desc", [row.createdAt, row.id])
 */
export function encodeCursor(scope: string, values: (string | number | null)[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify([scope, ...values]));
  return b64url(String.fromCharCode(...bytes));
}

/** The 422 for a cursor that is not one of ours, or not for this list: also for products' checks of a decoded cursor's values. */
export const invalidCursor = (): ApiError =>
  new ApiError("validation_failed", "The cursor is invalid", {
    errors: [{ path: "cursor", location: "query", message: "Invalid or foreign cursor" }],
  });

/** Decodes a cursor made by `encodeCursor` for the same scope, or throws a 422 problem. */
export function decodeCursor(scope: string, cursor: string, arity: number): (string | number | null)[] {
  let parsed: unknown;
  try {
    const bin = unb64url(cursor);
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed[0] !== scope) throw invalidCursor();
  const values = parsed.slice(1);
  if (!values.every((v) => v === null || typeof v === "string" || typeof v === "number")) throw invalidCursor();
  return values as (string | number | null)[];
}

/**
 * Cuts a page from rows fetched with `limit + 1`: returns the page and the cursor for the next one.
 *
 * @example const { items, nextCursor } = toPage(rows, limit, (r) => encodeCursor(scope, [r.createdAt, r.id]));
 */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => string): { items: T[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items, nextCursor: hasMore && last !== undefined ? cursorOf(last) : null };
}

/** The response envelope of every paginated list, for OpenAPI. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` to get the next page; null on the last page" }),
  });
