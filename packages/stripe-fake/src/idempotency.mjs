// @ts-check
// Stripe's Idempotency-Key semantics (https://docs.stripe.com/api/idempotent_requests): for POST requests, a
// key (scoped to the API key, kept 24 hours) remembers the first request's endpoint, params and response;
// the same key with the same params replays the response (`Idempotent-Replayed: true`), with other params
// or another endpoint it is a 400 idempotency_error, and while the first is still running a 409.
import { StripeError } from "./errors.mjs";

const DAY_MS = 24 * 60 * 60 * 1000;

/** @typedef {{ status: number, body: string, headers: Record<string, string> }} StoredResponse */
/** @typedef {{ method: string, path: string, params: string, expires: number, response?: StoredResponse }} Entry */

/**
 * Canonical JSON (sorted keys) of the parsed params, so `a=1&b=2` and `b=2&a=1` are the same request.
 * @param {unknown} value
 * @returns {string}
 */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const record = /** @type {Record<string, unknown>} */ (value);
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

export class IdempotencyKeys {
  /** @param {() => number} [clock] ms */
  constructor(clock = Date.now) {
    /** @type {Map<string, Entry>} */
    this.entries = new Map();
    this.clock = clock;
  }

  /**
   * Looks the key up before running a request.
   * @param {{ apiKey: string, key: string, method: string, path: string, params: unknown }} request
   * @returns {{ replay: StoredResponse } | { run: (response: StoredResponse) => void, abandon: () => void }}
   */
  begin(request) {
    const { apiKey, key, method, path } = request;
    if (key.length > 255) {
      throw new StripeError({
        status: 400,
        type: "invalid_request_error",
        message: `Invalid Idempotency-Key: must be at most 255 characters (got ${key.length}).`,
      });
    }
    const id = `${apiKey}\u0000${key}`;
    const params = canonical(request.params);
    const now = this.clock();
    const found = this.entries.get(id);
    if (found && found.expires > now) {
      if (found.method !== method || found.path !== path) {
        throw new StripeError({
          status: 400,
          type: "idempotency_error",
          message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${found.method} ${found.path}' vs '${method} ${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      }
      if (found.params !== params) {
        throw new StripeError({
          status: 400,
          type: "idempotency_error",
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      }
      if (!found.response) {
        throw new StripeError({
          status: 409,
          type: "idempotency_error",
          code: "idempotency_key_in_use",
          message:
            "There is currently another in-progress request using this Idempotency-Key (that probably means you submitted twice, and the other request is still going through): " +
            `'${key}'. Please try again later.`,
        });
      }
      return { replay: found.response };
    }
    if (found) this.entries.delete(id);
    /** @type {Entry} */
    const entry = { method, path, params, expires: now + DAY_MS };
    this.entries.set(id, entry);
    return {
      run: (response) => {
        entry.response = response;
      },
      // a request that never started executing (rejected before the handler) keeps no result
      abandon: () => {
        if (this.entries.get(id) === entry) this.entries.delete(id);
      },
    };
  }

  /** Drops expired keys (called now and then). */
  sweep() {
    const now = this.clock();
    for (const [id, entry] of this.entries) if (entry.expires <= now) this.entries.delete(id);
  }
}
