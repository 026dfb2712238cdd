import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import {
  changeConfig,
  createApiKey,
  getConfig,
  hashApiKey,
  listApiKeys,
  purgeRoute,
  renderConfig,
  revokeApiKey,
  rollback,
  snapshotKey,
} from "../../src/config";
import type { Snapshot } from "../../src/contract";
import { workspaces } from "../../src/schema";
import { apiErrorOf, baseInput, newWorkspace } from "./support";

async function withConsumer() {
  const { deps, ws } = await newWorkspace();
  const { config } = await changeConfig(deps, ws, () => ({ ...baseInput(), consumers: [{ username: "app" }] }), { message: "consumer" });
  const consumerId = config.consumers[0]?.id ?? "";
  return { deps, ws, consumerId };
}

/** The snapshot KV holds for the workspace's current revision (what every isolate loads next). */
async function currentSnapshot(wsId: string): Promise<Snapshot | null> {
  const [row] = await drizzle(env.DB).select({ revision: workspaces.revision }).from(workspaces).where(eq(workspaces.id, wsId));
  return env.CACHE.get<Snapshot>(snapshotKey(wsId, row?.revision ?? 0), "json");
}

describe("API keys", () => {
  it("a new key is ewg_ + 32 base62, shown once, stored as its SHA-256 and live in the snapshot", async () => {
    const { deps, ws, consumerId } = await withConsumer();
    const created = await createApiKey(deps, ws, consumerId);
    expect(created.key).toMatch(/^ewg_[0-9A-Za-z]{32}$/);
    expect(created.prefix).toBe(created.key.slice(0, 10));
    const listed = await listApiKeys(deps, ws, consumerId);
    expect(listed).toEqual([{ id: created.id, prefix: created.prefix, createdAt: created.createdAt, revokedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const snap = await currentSnapshot(ws.id);
    expect(snap?.keyHashes).toEqual({ [await hashApiKey(created.key)]: consumerId });
    // never part of the config or its export
    expect(renderConfig((await getConfig(deps, ws)).config, "json")).not.toContain(created.key.slice(4));
  });

  it("revoking is immediate (next snapshot lacks it) and survives a rollback; a second revoke is 404", async () => {
    const { deps, ws, consumerId } = await withConsumer();
    const created = await createApiKey(deps, ws, consumerId);
    await revokeApiKey(deps, ws, consumerId, created.id);
    expect((await currentSnapshot(ws.id))?.keyHashes).toEqual({});
    const [listed] = await listApiKeys(deps, ws, consumerId);
    expect(listed?.revokedAt).toEqual(expect.any(Number));
    expect((await apiErrorOf(() => revokeApiKey(deps, ws, consumerId, created.id))).status).toBe(404);
    await rollback(deps, ws, 2);
    const { version } = await getConfig(deps, ws);
    expect(version).toBe(3);
    const snap = await currentSnapshot(ws.id);
    expect(snap?.keyHashes).toEqual({});
  });

  it("an unknown consumer, or another workspace's, is 404; another workspace cannot revoke the key", async () => {
    const { deps, ws, consumerId } = await withConsumer();
    const other = await newWorkspace();
    expect((await apiErrorOf(() => createApiKey(deps, ws, "csm_nope"))).status).toBe(404);
    expect((await apiErrorOf(() => createApiKey(other.deps, other.ws, consumerId))).status).toBe(404);
    const created = await createApiKey(deps, ws, consumerId);
    expect((await apiErrorOf(() => revokeApiKey(other.deps, other.ws, consumerId, created.id))).status).toBe(404);
    expect((await listApiKeys(deps, ws, consumerId))[0]?.revokedAt).toBeNull();
  });

  it("a consumer holds at most 10 live keys (409)", async () => {
    const { deps, ws, consumerId } = await withConsumer();
    for (let i = 0; i < 10; i++) await createApiKey(deps, ws, consumerId);
    const err = await apiErrorOf(() => createApiKey(deps, ws, consumerId));
    expect([err.status, err.code]).toEqual([409, "conflict"]);
  });

  it("a deleted consumer's keys leave the snapshot", async () => {
    const { deps, ws, consumerId } = await withConsumer();
    await createApiKey(deps, ws, consumerId);
    await changeConfig(deps, ws, (c) => ({ ...c, consumers: [] }), { message: "drop" });
    expect((await currentSnapshot(ws.id))?.keyHashes).toEqual({});
  });
});

describe("purgeRoute", () => {
  it("bumps the route's cache generation and the revision; an unknown route is 404", async () => {
    const { deps, ws } = await newWorkspace();
    const { config } = await changeConfig(deps, ws, () => baseInput(), { message: "v2" });
    const routeId = config.routes[0]?.id ?? "";
    expect(await purgeRoute(deps, ws, routeId)).toEqual({ generation: 1 });
    expect(await purgeRoute(deps, ws, routeId)).toEqual({ generation: 2 });
    expect((await currentSnapshot(ws.id))?.cacheGenerations).toEqual({ [routeId]: 2 });
    expect((await apiErrorOf(() => purgeRoute(deps, ws, "rte_nope"))).status).toBe(404);
  });
});
