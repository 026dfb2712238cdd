// Node-side helpers for vitest configs (these run in Node, not workerd).
import { fileURLToPath } from "node:url";
import { TEST_PUBLIC_JWKS } from "./keys.ts";

export * from "./keys.ts";

/** Absolute path of a migrations folder, from the repository root. */
export const migrationsDir = (database: string): string => fileURLToPath(new URL(`../../../migrations/${database}`, import.meta.url));

/** The API keys a fake accounts Worker knows: valid ones with their principal, and two that misbehave. */
export interface FakeApiKeys {
  valid: Record<string, { userId: string; scopes: string[]; roles?: string[] }>;
  /** verifyApiKey throws for this one (accounts down). */
  broken?: string;
  /** verifyApiKey answers a wrong shape for this one. */
  malformed?: string;
}

/**
 * A Miniflare auxiliary Worker standing in for accounts behind a product's ACCOUNTS service binding:
 * the test JWKS over fetch and `verifyApiKey` over RPC, so the product's real auth path runs.
 *
 * @example miniflare: { serviceBindings: { ACCOUNTS: "fake-accounts" }, workers: [fakeAccountsWorker(TEST_API_KEYS)] }
 */
export function fakeAccountsWorker(apiKeys: FakeApiKeys) {
  return {
    name: "fake-accounts",
    modules: true,
    scriptPath: fileURLToPath(new URL("./fake-accounts.js", import.meta.url)),
    compatibilityDate: "2026-04-01",
    bindings: { JWKS: JSON.stringify(TEST_PUBLIC_JWKS), API_KEYS: JSON.stringify(apiKeys) },
  };
}
