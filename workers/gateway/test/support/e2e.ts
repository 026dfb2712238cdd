// End-to-end setup for plugin tests: a workspace configured through the admin API (B's helpers) with one
// service on the fake upstream Worker UPSTREAM_A, one route `/v1/*` carrying the plugins under test, and
// consumers with freshly issued API keys; requests then go through `/gw/<slug>/…` (SELF.fetch).
import { api, call, createWorkspace, newUser, putConfig } from "../helpers";

export interface E2eWorkspace {
  token: string;
  slug: string;
  /** API key per consumer username. */
  keys: Record<string, string>;
}

export interface E2eOptions {
  /** Consumers (usernames must be config names), each gets one key. */
  consumers?: { username: string; groups?: string[]; plugins?: unknown[] }[];
  /** More config fields (issuers…). */
  extra?: Record<string, unknown>;
}

/**
 * A fresh workspace whose route `/v1/*` runs `plugins` in front of UPSTREAM_A.
 *
 * @example const ws = await gatewayWith([{ name: "auth", config: {} }], { consumers: [{ username: "alice" }] });
 */
export async function gatewayWith(plugins: unknown[], options: E2eOptions = {}): Promise<E2eWorkspace> {
  const user = await newUser();
  const ws = await createWorkspace(user.token);
  const consumers = options.consumers ?? [];
  await putConfig(user.token, ws.slug, {
    services: [{ name: "up", targets: [{ binding: "UPSTREAM_A" }] }],
    routes: [{ name: "all", paths: ["/v1/*"], service: "up", plugins }],
    consumers: consumers.map((c) => ({ username: c.username, groups: c.groups ?? [], plugins: c.plugins ?? [] })),
    ...options.extra,
  });
  const keys: Record<string, string> = {};
  for (const c of consumers) {
    const issued = await api.ok<{ key: string }>(call("POST", `/workspaces/${ws.slug}/consumers/${c.username}/keys`, user.token), 201);
    keys[c.username] = issued.key;
  }
  return { token: user.token, slug: ws.slug, keys };
}
