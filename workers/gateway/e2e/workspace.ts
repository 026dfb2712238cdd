import { expect } from "vitest";
import { type Admin, adminFor, type Echo, eventually, gwJson, type Reply, signUp, slugOf } from "./harness";

// One workspace of a fresh user, with the proxied-traffic helpers the traffic files share: GETs through
// /gw/<slug>/…, the first answer of a route just configured (config takes effect within about a second, so it
// is polled), runs of sequential requests and who answered them, and the status route's view of a service.

/** A service's targets as `GET …/status` shows them (health and breaker, from its ServiceHealth object). */
export interface ServiceStatus {
  name: string;
  targets: { url: string | null; healthy: boolean; breaker: "closed" | "open" | "half-open" }[];
}

/** A workspace and what the tests do with it. */
export interface TestWorkspace {
  admin: Admin;
  slug: string;
  get(path: string, init?: RequestInit): Promise<Reply<Echo>>;
  /** Polls until the path answers 200 (a route just added). */
  firstOk(path: string): Promise<Reply<Echo>>;
  /** `n` sequential GETs. */
  spread(path: string, n: number): Promise<Reply<Echo>[]>;
  statusOf(service: string): Promise<ServiceStatus | undefined>;
}

/**
 * Signs up a user and creates a workspace (its config is version 1, empty).
 *
 * @example const ws = await newWorkspace("routing"); await ws.admin.ok("POST", `/workspaces/${ws.slug}/services`, svc, 201);
 */
export async function newWorkspace(label: string): Promise<TestWorkspace> {
  const admin = adminFor(await signUp(label));
  const slug = slugOf(label);
  const created = await admin.ok<{ slug: string; role: string }>("POST", "/workspaces", { slug, name: `${label} e2e` }, 201);
  expect(created).toMatchObject({ slug, role: "owner" });
  const get = (path: string, init?: RequestInit) => gwJson<Echo>(slug, path, init);
  return {
    admin,
    slug,
    get,
    firstOk: (path) =>
      eventually(
        `GET ${path}`,
        () => get(path),
        (r) => r.status === 200,
        15_000,
      ),
    spread: async (path, n) => {
      const out: Reply<Echo>[] = [];
      for (let i = 0; i < n; i++) out.push(await get(path));
      return out;
    },
    statusOf: async (service) =>
      (await admin.ok<{ services: ServiceStatus[] }>("GET", `/workspaces/${slug}/status`)).services.find((s) => s.name === service),
  };
}

/** Who answered: upstream name → count (`status N` for a non-200). */
export function tally(rs: Reply<Echo>[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of rs) {
    const who = r.status === 200 ? r.body.upstream : `status ${r.status}`;
    t[who] = (t[who] ?? 0) + 1;
  }
  return t;
}
