// Shared by the dev, migrate, types, test and bench scripts: where the Workers are and how to run wrangler offline.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
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

/** A free TCP port on loopback (as packages/testing/src/dev-server.ts finds one). */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * `pnpm dev` on its own port and throw-away state directory, in its own process group; resolves once
 * /health answers (client-gen and the README screenshots use it).
 *
 * @example const dev = await startDevServer("client-gen"); try { await fetch(`${dev.url}/health`); } finally { await dev.stop(); }
 */
export async function startDevServer(label) {
  const [port, inspector] = [await freePort(), await freePort()];
  const state = mkdtempSync(join(tmpdir(), `edgeworks-${label}-`));
  let log = "";
  const child = spawn(
    process.execPath,
    ["scripts/dev.mjs", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", state, "--log-level", "warn"],
    { cwd: ROOT, env: { ...process.env, CI: "true" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const stop = async () => {
    if (child.exitCode === null) {
      process.kill(-child.pid, "SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    rmSync(state, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pnpm dev exited with ${child.exitCode}:\n${log}`);
    const up = await fetch(`${url}/health`).catch(() => null);
    if (up?.ok) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pnpm dev did not answer /health in 120 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
