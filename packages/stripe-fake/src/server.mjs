// @ts-check
// startStripeFake: the HTTP server (node:http) around the store, router, resources and webhook delivery.
import { createServer } from "node:http";
import { controlRoutes } from "./control-routes.mjs";
import { landingRoutes } from "./landing.mjs";
import { modules } from "./resources/index.mjs";
import { createHandler, HOOK_NAMES } from "./router.mjs";
import { Store } from "./store.mjs";
import { registerEndpoint, Webhooks } from "./webhooks.mjs";

/**
 * @typedef {object} StripeFakeOptions
 * @property {number} [port] 0 (default) picks a free port
 * @property {string} [host] default 127.0.0.1
 * @property {{ url: string, secret: string, enabledEvents?: string[] }[]} [endpoints] registered at start
 * @property {Partial<import("./webhooks.mjs").RetryOptions>} [retry] delivery backoff (default 1 s doubling, 8 attempts, 10 s timeout)
 * @property {boolean} [unref] do not keep the process alive for the server (vitest configs, where nothing closes it)
 */

/**
 * @typedef {object} StripeFake
 * @property {string} url e.g. "http://127.0.0.1:12111"
 * @property {number} port
 * @property {import("./store.mjs").Store} store
 * @property {Webhooks} webhooks
 * @property {() => Promise<void>} close
 */

/**
 * Starts the Stripe stand-in.
 *
 * @example const fake = await startStripeFake({ endpoints: [{ url: "pull://tests", secret: "whsec_test" }] });
 * @param {StripeFakeOptions} [options]
 * @returns {Promise<StripeFake>}
 */
export async function startStripeFake(options = {}) {
  /** @type {Webhooks | undefined} */
  let webhooks;
  const store = new Store({ onEvent: (event) => webhooks?.onEvent(event) ?? 0 });
  webhooks = new Webhooks({ store, retry: options.retry });
  /** @type {Record<string, (...args: any[]) => any>} */
  const hooks = {};
  for (const module of modules) {
    for (const name of HOOK_NAMES) {
      const hook = /** @type {Record<string, unknown>} */ (module)[name];
      if (typeof hook === "function") hooks[name] = /** @type {(...args: any[]) => any} */ (hook);
    }
    if ("setup" in module && typeof module.setup === "function") module.setup({ store, webhooks });
  }
  for (const endpoint of options.endpoints ?? []) registerEndpoint(store, endpoint);

  let base = "";
  const routes = [...landingRoutes, ...controlRoutes, ...modules.flatMap((m) => m.routes)];
  const server = createServer(createHandler({ store, routes, hooks, webhooks, base: () => base }));
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve(undefined));
  });
  if (options.unref) server.unref();
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : Number(options.port);
  const host = options.host === "0.0.0.0" || !options.host ? "127.0.0.1" : options.host;
  base = `http://${host}:${port}`;
  const w = webhooks;
  return {
    url: base,
    port,
    store,
    webhooks: w,
    close: () =>
      new Promise((resolve) => {
        w.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
