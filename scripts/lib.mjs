// Shared by the dev, migrate, types, test and bench scripts: where the Workers are and how to run wrangler offline.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
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
  if (res.status !== 0) {
    // piped output is otherwise lost: the tail of it says why
    const said = `${res.stdout ?? ""}${res.stderr ?? ""}`.trim().split("\n").slice(-12).join("\n");
    throw new Error(`wrangler ${args.join(" ")} failed with ${res.status}${said ? `:\n${said}` : ""}`);
  }
  return res;
}

/** Starts wrangler as a child process. */
export function spawnWrangler(args, options = {}) {
  return spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: OFFLINE_ENV, ...options });
}

/** A free TCP port on loopback (as packages/testing/src/dev-server.ts finds one). */
export const freePort = () =>
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
  // 18 Workers start in one wrangler dev; on a loaded 2-core machine that has taken minutes
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pnpm dev exited with ${child.exitCode}:\n${log}`);
    const up = await fetch(`${url}/health`).catch(() => null);
    if (up?.ok) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pnpm dev did not answer /health in 300 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The pids of `pid` and all its descendants (Linux /proc; an empty list elsewhere). */
function processTree(pid) {
  if (!existsSync("/proc")) return [];
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")"
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {} // gone already
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** Loopback TCP ports that the processes of `pid`'s tree listen on (Linux /proc; empty elsewhere). */
export function listeningPorts(pid) {
  const inodes = new Set();
  for (const p of processTree(pid)) {
    try {
      for (const fd of readdirSync(`/proc/${p}/fd`)) {
        const target = (() => {
          try {
            return readlinkSync(`/proc/${p}/fd/${fd}`);
          } catch {
            return "";
          }
        })();
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m) inodes.add(m[1]);
      }
    } catch {} // not ours to read, or gone
  }
  const ports = new Set();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address rem_address st … inode (10th column); 0A = LISTEN
      if (cols.length < 10 || cols[3] !== "0A" || !inodes.has(cols[9])) continue;
      ports.add(Number.parseInt(cols[1].split(":")[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** The header Miniflare's entry reads to send a request to one Worker of a multi-Worker session by name. */
export const ROUTE_OVERRIDE_HEADER = "MF-Route-Override";

/**
 * The address of the Miniflare instance that runs the Workers of a `wrangler dev` session (wrangler's own
 * proxy on the public port sits in front of it, and consumes the route-override header). On it, a request
 * with `MF-Route-Override: <worker name>` reaches that Worker directly (its fetch, or
 * `/cdn-cgi/handler/scheduled?cron=…` its scheduled handler): how `pnpm dev` runs crons, and how the bench
 * reaches a Worker that has no socket of its own. Found among the session's listening sockets by asking each
 * for the front door's /health by name; null when not found (not Linux, or not up yet).
 *
 * @param {number} pid the wrangler dev process (or an ancestor of it)
 * @param {{ exclude?: number[], probeWorker?: string }} [options]
 */
export async function findWorkersEntry(pid, options = {}) {
  const probeWorker = options.probeWorker ?? "edgeworks-edge";
  for (const port of listeningPorts(pid)) {
    if (options.exclude?.includes(port)) continue;
    const url = `http://127.0.0.1:${port}`;
    const ok = await fetch(`${url}/health`, {
      headers: { [ROUTE_OVERRIDE_HEADER]: probeWorker },
      signal: AbortSignal.timeout(2000),
    }).then(
      async (r) => r.ok && /json/.test(r.headers.get("content-type") ?? "") && (await r.text()).includes('"status"'),
      () => false,
    );
    if (ok) return url;
  }
  return null;
}
