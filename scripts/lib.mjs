// Shared by the dev, migrate, types, test and bench scripts: where the Workers are and how to run wrangler offline.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** No network: no update banner, no request.cf download, no telemetry. */
export const OFFLINE_ENV = {
  ...process.env,
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  NO_UPDATE_NOTIFIER: "1",
};

/** The front door first, then every other Worker (workers/<name>/wrangler.toml): products and the docs assets. */
export function workerConfigs() {
  const products = readdirSync(join(ROOT, "workers"))
    .filter((name) => name !== "edge" && existsSync(join(ROOT, "workers", name, "wrangler.toml")))
    .sort()
    .map((name) => ({ name, dir: join(ROOT, "workers", name), config: join(ROOT, "workers", name, "wrangler.toml") }));
  return [{ name: "edge", dir: join(ROOT, "workers", "edge"), config: join(ROOT, "wrangler.toml") }, ...products];
}

/** D1 databases: one folder per database under migrations/, owned by the Worker of the same name. */
export function databases() {
  return readdirSync(join(ROOT, "migrations"))
    .filter((name) => existsSync(join(ROOT, "workers", name, "wrangler.toml")))
    .sort()
    .map((name) => ({ name, database: `edgeworks-${name}`, config: join(ROOT, "workers", name, "wrangler.toml") }));
}

/** Runs wrangler synchronously, inheriting stdio; throws on failure. */
export function wrangler(args, options = {}) {
  const res = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: OFFLINE_ENV, stdio: "inherit", ...options });
  if (res.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed with ${res.status}`);
  return res;
}

/** Starts wrangler as a child process. */
export function spawnWrangler(args, options = {}) {
  return spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: OFFLINE_ENV, ...options });
}
