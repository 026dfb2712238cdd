// Node-side helpers for vitest configs (these run in Node, not workerd).
import { fileURLToPath } from "node:url";
import { TEST_PUBLIC_JWKS } from "./keys.ts";

export * from "./keys.ts";

/** Absolute path of a migrations folder, from the repository root. */
export const migrationsDir = (database: string): string => fileURLToPath(new URL(`../../../migrations/${database}`, import.meta.url));

/**
 * A stand-in for the accounts Worker behind a service binding: serves the test JWKS, so a product's
 * real verification path (service binding → JWKS → cache → jose) runs in tests.
 *
 * @example miniflare: { serviceBindings: { ACCOUNTS: fakeAccounts } }
 */
export async function fakeAccounts(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === "/auth/.well-known/jwks.json") return Response.json(TEST_PUBLIC_JWKS);
  return new Response("not found", { status: 404 });
}
