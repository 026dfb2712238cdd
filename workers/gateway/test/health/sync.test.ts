// syncHealth (on publish), serviceStatuses (the status route) and the cron that syncs every workspace.
import { createExecutionContext, createScheduledController, env, runInDurableObject } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { changeConfig, createWorkspace, snapshotKey } from "../../src/config";
import type { ConfigDeps } from "../../src/deps";
import { runHealthCron, syncAllHealth } from "../../src/health/cron";
import { serviceStatuses } from "../../src/health/status";
import { healthStub } from "../../src/health/stub";
import { syncHealth } from "../../src/health/sync";
import { BREAKER, CHECK, outcomes, recordingEnv, service, snapshotOf } from "./support";

const wsId = () => `ws_${crypto.randomUUID()}`;

describe("syncHealth", () => {
  it("configures every monitored service with the snapshot's version, and no other", async () => {
    const { env: recEnv, calls } = recordingEnv();
    const ws = wsId();
    const plain = service({ name: "plain" });
    const broken = service({ name: "broken", breaker: BREAKER });
    const checked = service({ name: "checked", healthCheck: CHECK, passiveUnhealthyThreshold: 2 });
    expect(await syncHealth(recEnv, snapshotOf(ws, [plain, broken, checked], 3))).toBe(2);
    expect(calls.sort()).toEqual([`configure ${ws}/${broken.id}`, `configure ${ws}/${checked.id}`].sort());
    expect((await healthStub(env, ws, broken.id).states()).version).toBe(3);
    expect((await healthStub(env, ws, checked.id).states()).version).toBe(3);
    expect((await healthStub(env, ws, plain.id).states()).version).toBeNull();
  });

  it("never throws: an unreachable object counts as not configured", async () => {
    const { env: broken } = recordingEnv({ broken: true });
    expect(await syncHealth(broken, snapshotOf(wsId(), [service({ breaker: BREAKER })]))).toBe(0);
  });
});

describe("serviceStatuses", () => {
  it("gives every service by name with each target's health, breaker and numbers", async () => {
    const { env: recEnv, calls } = recordingEnv();
    const ws = wsId();
    const plain = service({ name: "b-plain" });
    const guarded = service({ name: "a-guarded", breaker: BREAKER, passiveUnhealthyThreshold: 3 });
    const snapshot = snapshotOf(ws, [plain, guarded], 2);
    await syncHealth(env, snapshot);
    await healthStub(env, ws, guarded.id).report(outcomes("tgt_a", 10, { failed: 10, at: Date.now() }));
    const statuses = await serviceStatuses(recEnv, snapshot);
    expect(calls).toEqual([`states ${ws}/${guarded.id}`]);
    expect(statuses.map((s) => s.name)).toEqual(["a-guarded", "b-plain"]);
    const [first, second] = statuses;
    expect(first).toMatchObject({
      serviceId: guarded.id,
      monitoring: { activeChecks: false, passive: true, breaker: true },
      available: true,
    });
    expect(first?.targets[0]).toMatchObject({
      targetId: "tgt_a",
      binding: "UPSTREAM_A",
      url: null,
      weight: 100,
      healthy: false,
      breaker: "open",
      consecutiveFailures: 10,
      window: { requests: 0, errors: 0, slow: 0 },
      lastProbe: null,
    });
    expect(typeof first?.targets[0]?.openedAt).toBe("number");
    expect(first?.targets[0]?.halfOpenAt).toBe((first?.targets[0]?.openedAt as number) + 30_000);
    expect(first?.targets[1]).toMatchObject({ targetId: "tgt_b", healthy: true, breaker: "closed", openedAt: null });
    expect(second).toEqual({
      serviceId: plain.id,
      name: "b-plain",
      monitoring: { activeChecks: false, passive: false, breaker: false },
      available: true,
      targets: ["tgt_a", "tgt_b"].map((id, i) => ({
        targetId: id,
        url: null,
        binding: i === 0 ? "UPSTREAM_A" : "UPSTREAM_B",
        weight: 100,
        healthy: true,
        breaker: "closed",
        consecutiveFailures: 0,
        window: { requests: 0, errors: 0, slow: 0 },
        openedAt: null,
        halfOpenAt: null,
        lastProbe: null,
      })),
    });
  });

  it("marks a service whose object is unreachable as unavailable instead of failing", async () => {
    const { env: broken } = recordingEnv({ broken: true });
    const svc = service({ breaker: BREAKER });
    const [status] = await serviceStatuses(broken, snapshotOf(wsId(), [svc]));
    expect(status).toMatchObject({ available: false, targets: [{ healthy: true, breaker: "closed" }, { healthy: true }] });
  });
});

describe("the health cron", () => {
  /** A workspace with `services` whose objects forgot the publish (as if its background sync had been lost). */
  async function workspaceWith(slug: string, services: unknown[]) {
    const deferred: Promise<unknown>[] = [];
    const d: ConfigDeps = { db: drizzle(env.DB), env, userId: "user_health", now: Date.now, defer: (p) => deferred.push(p) };
    const ws = await createWorkspace(d, { slug, name: slug });
    const { version, config } = await changeConfig(d, ws, (c) => ({ ...c, services }) as never, { message: "health test" });
    await Promise.all(deferred);
    const serviceIds = config.services.map((s) => s.id);
    for (const id of serviceIds) {
      await runInDurableObject(healthStub(env, ws.id, id), async (_instance, state) => {
        state.storage.sql.exec("DELETE FROM config");
        await state.storage.deleteAlarm();
      });
    }
    return { ws, version, serviceIds };
  }

  it("configures every monitored service of every workspace at its current version", async () => {
    const a = await workspaceWith("health-a", [
      { name: "api", targets: [{ binding: "UPSTREAM_A" }], circuitBreaker: {} },
      { name: "plain", targets: [{ binding: "UPSTREAM_B" }] },
    ]);
    const b = await workspaceWith("health-b", [
      { name: "checked", targets: [{ binding: "UPSTREAM_C" }], healthCheck: { path: "/health" } },
    ]);
    // b's snapshot is not in KV: the cron compiles it from D1
    const revision = (await env.DB.prepare("SELECT revision FROM workspaces WHERE id = ?").bind(b.ws.id).first<{ revision: number }>())
      ?.revision;
    await env.CACHE.delete(snapshotKey(b.ws.id, revision as number));
    const [api, plain] = a.serviceIds as [string, string];
    expect((await healthStub(env, a.ws.id, api).states()).version).toBeNull();

    const result = await syncAllHealth(env);
    expect(result).toMatchObject({ configured: 2, failed: 0 });
    expect(result.workspaces).toBeGreaterThanOrEqual(2);
    expect((await healthStub(env, a.ws.id, api).states()).version).toBe(a.version);
    expect((await healthStub(env, a.ws.id, plain).states()).version).toBeNull();
    const checked = await healthStub(env, b.ws.id, b.serviceIds[0] as string).states();
    expect(checked.version).toBe(b.version);
    expect(Object.values(checked.targets)).toMatchObject([{ healthy: true, breaker: "closed" }]);
    // its active checks are armed
    expect(await runInDurableObject(healthStub(env, b.ws.id, b.serviceIds[0] as string), (_i, s) => s.storage.getAlarm())).not.toBeNull();
  });

  it("runs as the Worker's scheduled handler", async () => {
    const c = await workspaceWith("health-c", [{ name: "api", targets: [{ binding: "UPSTREAM_A" }], passive: {} }]);
    await runHealthCron(createScheduledController(), env, createExecutionContext());
    expect((await healthStub(env, c.ws.id, c.serviceIds[0] as string).states()).version).toBe(c.version);
  });
});
