// What the benchmarks that run under `pnpm dev` share: the stack on its own ports and state (pnpm dev itself and
// the bare baseline Worker in its own wrangler dev), waiting for it, stopping it, and a JSON call to it.
// Used by scripts/bench/jobs.mjs, commerce.mjs, gateway.mjs and shop.mjs.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { freePort, ROOT, spawnWrangler } from "../lib.mjs";

/**
 * One JSON request; throws with the status and the start of the body unless it answered `expect` (or any 2xx).
 * A read is retried on a dropped connection (wrangler dev reloads a Worker when its files change); a write is not.
 *
 * @example const { accessToken } = await call(origin, "/auth/v1/register", { json: { email, password }, expect: 201 });
 */
export async function call(origin, path, { token, json, method, headers = {}, expect } = {}) {
  const verb = method ?? (json === undefined ? "GET" : "POST");
  const send = () =>
    fetch(`${origin}${path}`, {
      method: verb,
      headers: {
        ...(json === undefined ? {} : { "Content-Type": "application/json" }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  let res;
  for (let attempt = 0; ; attempt++) {
    try {
      res = await send();
      break;
    } catch (error) {
      if (verb !== "GET" || attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const text = await res.text();
  if (expect ? res.status !== expect : !res.ok) throw new Error(`${verb} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Polls `url` every 500 ms until it answers 2xx (or `status`), or throws after `ms`.
 *
 * @example await waitFor(`${origin}/health`, { ms: 60_000 });
 */
export async function waitFor(url, { ms = 600_000, headers = {}, status } = {}) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const got = await fetch(url, { headers }).then(
      (r) => (status ? r.status === status : r.ok),
      () => false,
    );
    if (got) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up`);
}

/**
 * Stops a detached child and its process group (SIGTERM), waiting up to 15 s for it to exit.
 *
 * @example await stopGroup(dev);
 */
export async function stopGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
}

/**
 * Starts `pnpm dev` (scripts/dev.mjs) on free ports with its state under `dir`/state, and the bare baseline Worker
 * (scripts/bench/baseline.wrangler.toml) in its own wrangler dev; resolves once both answer. `devVars` are per-Worker
 * dev vars (DEV_VARS), `env` extra environment for pnpm dev. `log()` is the last 20 KB of pnpm dev's output.
 *
 * @example const stack = await startBenchStack({ dir, devVars: { jobs: { LOG_LEVEL: "warn" } } }); try { … } finally { await stack.stop(); }
 */
export async function startBenchStack({ dir, devVars = {}, env = {} }) {
  const [port, inspector, stripePort, basePort, baseInspector] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  let log = "";
  const dev = spawn(
    process.execPath,
    ["scripts/dev.mjs", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", join(dir, "state")].concat([
      "--log-level",
      "error",
    ]),
    {
      cwd: ROOT,
      env: { ...process.env, CI: "true", STRIPE_FAKE_PORT: String(stripePort), DEV_VARS: JSON.stringify(devVars), ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  dev.stdout.on("data", (d) => (log = (log + d).slice(-20_000)));
  dev.stderr.on("data", (d) => (log = (log + d).slice(-20_000)));
  const base = spawnWrangler(
    ["dev", "-c", "scripts/bench/baseline.wrangler.toml", "--ip", "127.0.0.1", "--port", String(basePort)]
      .concat(["--inspector-port", String(baseInspector), "--persist-to", join(dir, "base-state")])
      .concat(["--log-level", "error", "--show-interactive-dev-session=false"]),
    { stdio: "ignore", detached: true },
  );
  const stack = {
    origin: `http://127.0.0.1:${port}`,
    baseOrigin: `http://127.0.0.1:${basePort}`,
    port,
    basePort,
    dev,
    base,
    log: () => log,
    stop: () => Promise.all([stopGroup(dev), stopGroup(base)]),
  };
  try {
    await Promise.all([
      waitFor(`${stack.origin}/health`).catch((e) => Promise.reject(new Error(`${e.message}\n${log}`))),
      waitFor(`${stack.baseOrigin}/`),
    ]);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}
