// Shared by the config tests: service deps over the real D1/KV of the test Worker, with a settable clock
// and the deferred work collected (so a test can await it), and small config builders.
import { env } from "cloudflare:test";
import { ApiError } from "@edgeworks/http";
import { drizzle } from "drizzle-orm/d1";
import { expect } from "vitest";
import { createWorkspace, type GatewayConfigInput } from "../../src/config";
import type { ConfigDeps } from "../../src/deps";
import type { WorkspaceRow } from "../../src/schema";

let seq = 0;

/** Deps for `userId` with `env` overrides (DEV_MODE, UPSTREAM_BINDINGS), a clock at `t` and collected `defer`s. */
export function makeDeps(overrides: Partial<Env> = {}, userId = "user_config"): ConfigDeps & { deferred: Promise<unknown>[] } {
  const deferred: Promise<unknown>[] = [];
  return {
    db: drizzle(env.DB),
    env: { ...env, ...overrides },
    userId,
    now: () => 1_760_000_000_000 + seq,
    defer: (p) => deferred.push(p.catch(() => undefined)),
    deferred,
  };
}

/** A fresh workspace (unique slug) and deps to change it. */
export async function newWorkspace(overrides: Partial<Env> = {}): Promise<{ deps: ReturnType<typeof makeDeps>; ws: WorkspaceRow }> {
  const deps = makeDeps(overrides);
  const ws = await createWorkspace(deps, { slug: `cfg-${++seq}-${Math.random().toString(36).slice(2, 8)}`, name: "Config tests" });
  return { deps, ws };
}

/** The ApiError `fn` throws (fails the test when it does not throw one). */
export async function apiErrorOf(fn: () => unknown): Promise<ApiError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error("expected an ApiError, nothing was thrown");
}

/** The 422 paths of a validation error, sorted. */
export async function pathsOf(fn: () => unknown): Promise<string[]> {
  const err = await apiErrorOf(fn);
  expect(err.code).toBe("validation_failed");
  return (err.errors ?? []).map((e) => e.path).sort();
}

/** A one-service, one-route config that validates. */
export const baseConfig = () => ({
  hosts: [] as string[],
  services: [{ name: "users", targets: [{ url: "https://users.example.com" }] }],
  routes: [
    { name: "users", paths: ["/v1/users/:id"], service: "users" as string | null, plugins: [] as { name: string; config?: unknown }[] },
  ],
  consumers: [] as unknown[],
  issuers: [] as unknown[],
});

/** {@link baseConfig} typed as an import (for `changeConfig`). */
export const baseInput = (): GatewayConfigInput => baseConfig() as GatewayConfigInput;
