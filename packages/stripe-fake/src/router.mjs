// @ts-check
/**
 * Routes requests to resource handlers, the way Stripe's API front behaves.
 *
 * Interface for resource modules (src/resources/*.mjs, registered in src/resources/index.mjs):
 * - `export const routes = [{ method: "POST", path: "/v1/prices/:id", handler(ctx) }]`
 *   (`:name` segments become `ctx.params.name`). A handler returns the JSON object to answer with
 *   (status 200), or `reply(status, body, headers?)` for anything else (HTML, redirects), and throws
 *   `StripeError` for Stripe errors. `/v1/...` routes need a secret key and take `Idempotency-Key`;
 *   a route with `auth: false` (control and checkout pages) does not.
 * - `ctx = { store, params, body, query, idempotencyKey, requestId, apiKey, now(), base, hooks, webhooks }`:
 *   `body` is the parsed form (nested `a[b][c]`, arrays `a[0]` / `a[]`; JSON for /_fake routes),
 *   `query` the parsed query string the same way, `now()` the fake clock in unix seconds, `base` the
 *   fake's origin ("http://127.0.0.1:12111"), `hooks` the functions modules export for each other
 *   (e.g. `createSubscriptionFromCheckout` from billing-subscriptions.mjs).
 * - Params the route does not accept in Stripe's API are 400 `parameter_unknown` (src/accepted.mjs, lists in
 *   src/stripe-params.mjs generated from the SDK's types by scripts/gen-params.mjs).
 * - `expand[]` (body or query) is applied to the returned object by the router for every field that
 *   holds an id of a stored object (`latest_charge`, `customer`, `payment_intent`, `data.customer`, ...).
 * - Optional module exports: `setup({ store, webhooks })` (runs once at start, e.g. `store.onAdvance`),
 *   and hook functions named in HOOK_NAMES below.
 */
import { checkAcceptedParams } from "./accepted.mjs";
import { StripeError } from "./errors.mjs";
import { parseForm } from "./form.mjs";
import { IdempotencyKeys } from "./idempotency.mjs";
import { API_VERSION, currentRequest, newId } from "./store.mjs";

/** Functions a module may export for other modules (through `ctx.hooks`). */
export const HOOK_NAMES = ["createSubscriptionFromCheckout"];

const MAX_BODY = 1024 * 1024;

/** A non-JSON (or non-200) answer from a handler. */
export class Reply {
  /** @param {number} status @param {string | object} body @param {Record<string, string>} [headers] */
  constructor(status, body, headers = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/**
 * @param {number} status
 * @param {string | object} body a string is sent as is, an object as JSON
 * @param {Record<string, string>} [headers]
 */
export function reply(status, body, headers) {
  return new Reply(status, body, headers);
}

/**
 * @typedef {object} Ctx
 * @property {import("./store.mjs").Store} store
 * @property {Record<string, string>} params
 * @property {Record<string, any>} body
 * @property {Record<string, any>} query
 * @property {string | undefined} idempotencyKey
 * @property {string} requestId
 * @property {string | undefined} apiKey
 * @property {() => number} now
 * @property {string} base
 * @property {Record<string, (...args: any[]) => any>} hooks
 * @property {import("./webhooks.mjs").Webhooks} webhooks
 * @property {Record<string, string | string[] | undefined>} headers
 */

/**
 * @typedef {object} Route
 * @property {string} method
 * @property {string} path
 * @property {(ctx: Ctx) => any} handler
 * @property {boolean} [auth]
 */

/**
 * @param {string} pattern
 * @param {string} path
 * @returns {Record<string, string> | undefined}
 */
function match(pattern, path) {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  /** @type {Record<string, string>} */
  const params = {};
  for (let i = 0; i < want.length; i++) {
    const w = /** @type {string} */ (want[i]);
    const g = /** @type {string} */ (got[i]);
    if (w.startsWith(":")) {
      if (g === "") return undefined;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return undefined;
  }
  return params;
}

/**
 * The secret key from `Authorization: Bearer sk_test_…` or Basic (key as the user name).
 * @param {string | undefined} header
 */
function apiKeyOf(header) {
  if (!header || header.length > 1000) return undefined;
  if (header.startsWith("Bearer ")) return header.slice(7).trim();
  if (header.startsWith("Basic ")) return Buffer.from(header.slice(6).trim(), "base64").toString("utf8").split(":")[0];
  return undefined;
}

/** @param {string} key */
function validKey(key) {
  return (key.startsWith("sk_test_") || key.startsWith("rk_test_")) && key.length <= 255 && key.length > 8;
}

/** @param {string} key */
function redact(key) {
  return `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

/**
 * Replaces ids by their objects along `expand[]` paths (`a.b.c`; `data.` for lists).
 * @param {import("./store.mjs").Store} store
 * @param {any} value
 * @param {string[]} paths
 */
export function applyExpand(store, value, paths) {
  for (const path of paths) {
    if (typeof path !== "string" || path.length > 200) continue;
    expandPath(store, value, path.split("."), path);
  }
  return value;
}

/**
 * @param {import("./store.mjs").Store} store
 * @param {any} node
 * @param {string[]} parts
 * @param {string} full
 */
function expandPath(store, node, parts, full) {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const item of node) expandPath(store, item, parts, full);
    return;
  }
  const [head, ...rest] = parts;
  if (head === undefined || typeof node !== "object") return;
  if (!(head in node)) {
    throw new StripeError({
      status: 400,
      type: "invalid_request_error",
      param: "expand",
      message: `This property cannot be expanded (${full}).`,
    });
  }
  if (rest.length > 0) {
    // an intermediate id is expanded first (`latest_invoice.payment_intent`), as Stripe does
    if (typeof node[head] === "string") node[head] = store.find(node[head]) ?? node[head];
    expandPath(store, node[head], rest, full);
    return;
  }
  if (typeof node[head] === "string") {
    const found = store.find(node[head]);
    if (found) node[head] = found;
  }
}

/**
 * @param {import("node:http").IncomingMessage} req
 * @returns {Promise<string>}
 */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new StripeError({ status: 413, type: "invalid_request_error", message: "Request body too large." });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * @param {string} text
 * @param {string | undefined} contentType
 */
function parseBody(text, contentType) {
  if (text === "") return {};
  if (contentType?.includes("application/json")) {
    try {
      const parsed = JSON.parse(text);
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
    } catch {
      throw new StripeError({ status: 400, type: "invalid_request_error", message: "Invalid JSON body." });
    }
  }
  return parseForm(text);
}

/**
 * The request handler of the fake (node:http).
 * @param {{ store: import("./store.mjs").Store, routes: Route[], hooks: Record<string, (...args: any[]) => any>, webhooks: import("./webhooks.mjs").Webhooks, base: () => string }} deps
 */
export function createHandler(deps) {
  const idempotency = new IdempotencyKeys(() => deps.store.now() * 1000);
  let handled = 0;

  /**
   * @param {import("node:http").IncomingMessage} req
   * @param {import("node:http").ServerResponse} res
   */
  return async function handleStripeRequest(req, res) {
    const requestId = newId("req", 14);
    const url = new URL(req.url ?? "/", "http://fake");
    const method = (req.method ?? "GET").toUpperCase();
    const version = typeof req.headers["stripe-version"] === "string" ? req.headers["stripe-version"] : API_VERSION;
    const idempotencyKey = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : undefined;
    /** @type {Record<string, string>} */
    const baseHeaders = { "Request-Id": requestId, "Stripe-Version": version, "Cache-Control": "no-cache, no-store" };
    if (idempotencyKey) baseHeaders["Idempotency-Key"] = idempotencyKey;

    /** @param {number} status @param {string} body @param {Record<string, string>} headers */
    const send = (status, body, headers) => {
      res.writeHead(status, { ...baseHeaders, "Content-Type": "application/json", ...headers });
      res.end(body);
    };

    if (++handled % 1000 === 0) idempotency.sweep();
    /** @type {{ run: (r: import("./idempotency.mjs").StoredResponse) => void, abandon: () => void } | undefined} */
    let pending;
    try {
      /** @type {{ route: Route, params: Record<string, string> } | undefined} */
      let found;
      for (const route of deps.routes) {
        const params = match(route.path, url.pathname);
        if (!params) continue;
        if (route.method === method) {
          found = { route, params };
          break;
        }
      }
      const isApi = url.pathname.startsWith("/v1/");
      const needsAuth = found ? found.route.auth !== false : isApi;
      let apiKey;
      if (needsAuth) {
        apiKey = apiKeyOf(req.headers.authorization);
        if (!apiKey) {
          throw new StripeError({
            status: 401,
            type: "invalid_request_error",
            message:
              "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
          });
        }
        if (!validKey(apiKey)) {
          throw new StripeError({ status: 401, type: "invalid_request_error", message: `Invalid API Key provided: ${redact(apiKey)}` });
        }
      }
      if (!found) {
        throw new StripeError({
          status: 404,
          type: "invalid_request_error",
          message: `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        });
      }
      const text = await readBody(req);
      const contentType = typeof req.headers["content-type"] === "string" ? req.headers["content-type"] : undefined;
      const body = parseBody(text, contentType);
      const query = parseForm(url.search.slice(1));
      if (isApi) {
        // unknown params are refused before anything runs (Stripe saves no idempotent result for them)
        if (method === "POST" || method === "DELETE") checkAcceptedParams(method, found.route.path, body);
        if (method !== "POST") checkAcceptedParams(method, found.route.path, query);
      }

      if (method === "POST" && isApi && idempotencyKey && apiKey) {
        const begun = idempotency.begin({ apiKey, key: idempotencyKey, method, path: url.pathname, params: body });
        if ("replay" in begun) {
          send(begun.replay.status, begun.replay.body, { ...begun.replay.headers, "Idempotent-Replayed": "true" });
          return;
        }
        pending = begun;
      }

      const host = typeof req.headers.host === "string" && req.headers.host.length < 300 ? req.headers.host : undefined;
      /** @type {Ctx} */
      const ctx = {
        store: deps.store,
        params: found.params,
        body,
        query,
        idempotencyKey,
        requestId,
        apiKey,
        now: () => deps.store.now(),
        base: host ? `http://${host}` : deps.base(),
        hooks: deps.hooks,
        webhooks: deps.webhooks,
        headers: req.headers,
      };
      const route = found.route;
      const result = await currentRequest.run({ id: isApi ? requestId : null, idempotency_key: idempotencyKey ?? null }, () =>
        route.handler(ctx),
      );
      /** @type {{ status: number, body: string, headers: Record<string, string> }} */
      let out;
      if (result instanceof Reply) {
        out = {
          status: result.status,
          body: typeof result.body === "string" ? result.body : JSON.stringify(result.body),
          headers: result.headers,
        };
      } else {
        const expand = [...(Array.isArray(body.expand) ? body.expand : []), ...(Array.isArray(query.expand) ? query.expand : [])];
        out = { status: 200, body: JSON.stringify(applyExpand(deps.store, result, expand), null, 2), headers: {} };
      }
      pending?.run(out);
      send(out.status, out.body, out.headers);
    } catch (error) {
      const stripeError =
        error instanceof StripeError
          ? error
          : new StripeError({ status: 500, type: "api_error", message: "An unknown error occurred in the Stripe stand-in." });
      if (!(error instanceof StripeError)) console.error(`[stripe-fake] ${requestId}`, error);
      const body = JSON.stringify(stripeError.toJSON(), null, 2);
      // a 4xx/5xx from a handler that started is kept for the key like any answer (Stripe replays errors too)
      if (pending && stripeError.status !== 409) pending.run({ status: stripeError.status, body, headers: {} });
      else pending?.abandon();
      if (!res.headersSent) send(stripeError.status, body, {});
      else res.end();
    }
  };
}
