import type { Context } from "hono";
import type { ConfigDeps } from "../deps";
import { depsOf, type GatewayEnv } from "../product";

/**
 * The config layer's dependencies of a guarded request: the product's deps (db, user, clock) plus the
 * bindings and `waitUntil`, which publishing a new snapshot needs (KV write, health sync off the response).
 *
 * @example const { version } = await changeConfig(configDepsOf(c), ws, add, { message: "add service" });
 */
export function configDepsOf(c: Context<GatewayEnv>): ConfigDeps {
  return { ...depsOf(c), env: c.env, defer: (p) => c.executionCtx.waitUntil(p) };
}

/**
 * The `If-Match` precondition as a config version: `"7"` (or `W/"7"`) → 7, absent or `*` → undefined.
 * Anything else can never match a version's ETag, so it is -1 (the config layer answers 412).
 *
 * @example changeConfig(deps, ws, mutate, { message, ifVersion: ifMatchVersion(c.req.header("If-Match")) });
 */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const tag = header.trim().replace(/^W\//, "");
  if (tag.length > 12 || !/^"[0-9]{1,10}"$/.test(tag)) return -1;
  return Number(tag.slice(1, -1));
}
