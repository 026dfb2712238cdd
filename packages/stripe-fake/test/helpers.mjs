// @ts-check
// A fake per test file and the real `stripe` Node SDK pointed at it.
import Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import { startStripeFake } from "../src/server.mjs";

export const PULL_SECRET = "whsec_test_fake";

/**
 * Starts a fake for the file (pull endpoint `pull://tests` with PULL_SECRET) and returns a getter.
 * @param {Parameters<typeof startStripeFake>[0]} [options]
 */
export function useFake(options = {}) {
  /** @type {{ fake: import("../src/server.mjs").StripeFake, stripe: Stripe }} */
  const state = /** @type {any} */ ({});
  beforeAll(async () => {
    state.fake = await startStripeFake({
      endpoints: [{ url: "pull://tests", secret: PULL_SECRET }],
      retry: { baseMs: 5, timeoutMs: 2000 },
      ...options,
    });
    state.stripe = sdk(state.fake.port);
  });
  afterAll(async () => {
    await state.fake?.close();
  });
  return state;
}

/**
 * @param {number} port
 * @param {string} [key]
 */
export function sdk(port, key = "sk_test_fake") {
  return new Stripe(key, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 });
}

/**
 * GET/POST a control route as JSON.
 * @param {string} base
 * @param {string} path
 * @param {unknown} [body]
 */
export async function control(base, path, body) {
  const response = await fetch(
    `${base}${path}`,
    body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
  );
  return { status: response.status, body: await response.json() };
}
