// Shared by the cache tests: a counting upstream, a fresh workspace per test (the Cache API outlives a test),
// and one request through the cache plugin at a chosen time.
import type { CompiledRoute, ConsumerIdentity, Snapshot } from "../../src/contract";
import { plugin } from "../../src/plugins/cache";
import { fakeContext, fakeRoute, fakeSnapshot, type SentCall } from "../support/context";

export const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);

/** A stub upstream answering `make(n)` for its n-th call (from 1); `calls` counts them. */
export function countingUpstream(make: (n: number, call: SentCall) => Response = (n) => Response.json({ n })) {
  const state = { calls: 0 };
  return {
    state,
    upstream: (call: SentCall) => {
      state.calls += 1;
      return make(state.calls, call);
    },
  };
}

/** A snapshot of a workspace no other test uses, with the cache on its one route. */
export function cacheSetup(config: unknown = {}, routeOverrides: Partial<CompiledRoute> = {}) {
  const route = fakeRoute({ plugins: [{ name: "cache", config }], ...routeOverrides });
  const snapshot = fakeSnapshot({ workspaceId: `ws_${crypto.randomUUID()}`, routes: [route] });
  const middleware = plugin.create(plugin.schema.parse(config), route);
  return { route, snapshot, middleware };
}

export interface Hit {
  status: number;
  xCache: string | null;
  age: string | null;
  body: string;
  headers: Headers;
  logged: string | null;
}

/** One request through the cache at `at` (epoch ms); waits for the store in waitUntil. */
export async function through(
  setup: ReturnType<typeof cacheSetup> & { snapshot: Snapshot },
  upstream: (call: SentCall) => Response | Promise<Response>,
  options: { path?: string; at?: number; init?: RequestInit; consumer?: ConsumerIdentity | null } = {},
): Promise<Hit> {
  const ctx = fakeContext({
    request: options.path ?? "/v1/items",
    init: options.init,
    snapshot: setup.snapshot,
    route: setup.route,
    receivedAt: options.at ?? T0,
    consumer: options.consumer ?? null,
    upstream,
  });
  const res = await ctx.run(setup.middleware);
  const body = await res.text();
  await ctx.settle();
  return {
    status: res.status,
    xCache: res.headers.get("x-cache"),
    age: res.headers.get("age"),
    body,
    headers: res.headers,
    logged: ctx.log.cache,
  };
}

export const consumer = (id: string): ConsumerIdentity => ({ id, username: id, groups: [], via: "key" });
