import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url)); // the repository root

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface DevServer {
  url: string;
  /** The dev server's state directory (its `--persist-to`): local D1, KV, R2 and Durable Objects. */
  state: string;
  /** The base URL of the Stripe stand-in this dev server started (packages/stripe-fake). */
  stripeApiBase: string;
  output: () => string;
  /** SIGTERM to the dev server's process group, then removes `state` (unless `keepState` or a given `state`). */
  stop: () => Promise<void>;
  /** SIGKILL to the process group (a crash mid-flight): no cleanup, `state` is kept as the processes left it. */
  kill: () => Promise<void>;
}

/** Whether any process of the group `pgid` is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits up to `ms` for the group to be gone; true when it is. */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * Sends `signal` to the child's process group (it is detached: wrangler and workerd too) and waits until the
 * whole group is gone, not only the child (workerd still writing the state while the next dev server opens it
 * would break the restart); what is left after 15 s gets SIGKILL.
 */
async function signalGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const pgid = child.pid;
  if (!pgid || !groupAlive(pgid)) return;
  const exited = child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once("exit", r)) : Promise.resolve();
  try {
    process.kill(-pgid, signal);
  } catch {
    return; // the group is gone already
  }
  await exited;
  if (await groupGone(pgid, 15_000)) return;
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    return;
  }
  await groupGone(pgid, 5_000);
}

/** Options of {@link startDev}. */
export interface StartDevOptions {
  /** Extra environment for scripts/dev.mjs (on top of this process's). */
  env?: Record<string, string>;
  /**
   * Reuse this state directory (`--persist-to`) instead of a fresh one, e.g. the `state` of a dev server
   * that was stopped or killed, to prove nothing was lost or doubled. A given directory is never removed.
   */
  state?: string;
  /** `stop()` keeps the state directory (the caller removes it). */
  keepState?: boolean;
  /** How long to wait for /health (default 90 s; other dev servers starting at once queue on a lock). */
  timeoutMs?: number;
}

/**
 * Starts `pnpm dev` (scripts/dev.mjs) on a free port with its own state directory and its own Stripe
 * stand-in port, and waits for /health; several can run at once (one per e2e project), next to a
 * developer's own `pnpm dev`.
 *
 * @example const dev = await startDev(); …; await dev.stop();
 */
export async function startDev(options: StartDevOptions = {}): Promise<DevServer> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const stripePort = await freePort();
  const state = options.state ?? mkdtempSync(join(tmpdir(), "edgeworks-e2e-"));
  const removeState = !options.state && !options.keepState;
  let log = "";
  const child: ChildProcess = spawn(
    process.execPath,
    ["scripts/dev.mjs", "--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", state, "--log-level", "warn"],
    {
      cwd: ROOT,
      env: { ...process.env, CI: "true", STRIPE_FAKE_PORT: String(stripePort), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so stop() also ends workerd
    },
  );
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = options.timeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  // a start that fails leaves nothing behind: the group (workerd too) is ended and a fresh state removed
  const fail = async (message: string): Promise<never> => {
    await signalGroup(child, "SIGTERM"); // also what an exited dev.mjs left running
    // a state made here was never handed out (even with keepState): remove it
    if (!options.state) rmSync(state, { recursive: true, force: true });
    throw new Error(`${message}:\n${log}`);
  };
  for (;;) {
    if (child.exitCode !== null) await fail(`dev server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) await fail(`dev server did not answer /health in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    state,
    stripeApiBase: `http://127.0.0.1:${options.env?.STRIPE_FAKE_PORT ?? stripePort}`,
    output: () => log,
    stop: async () => {
      await signalGroup(child, "SIGTERM");
      if (removeState) rmSync(state, { recursive: true, force: true });
    },
    kill: () => signalGroup(child, "SIGKILL"),
  };
}
