// `pnpm dev`: everything on http://127.0.0.1:8787 in one wrangler dev process, offline.
// 1. copies the docs UI assets, 2. writes dev secrets (.dev.vars) where missing, 3. applies every
// D1 migration locally, 4. starts the Stripe stand-in (packages/stripe-fake) on 127.0.0.1:12111
// (STRIPE_FAKE_PORT) and wires every Worker with STRIPE_WEBHOOK_PATH to it, 5. starts wrangler dev with
// the front door config plus every product's config.
// the front door config plus every product's config, 6. runs the Workers' cron triggers (wrangler dev does not:
// see "Crons" below).
// Usage: node scripts/dev.mjs [--port 8787] [--persist-to .wrangler/state] [--log-level info] [--inspector-port N]
// Environment: STRIPE_FAKE_PORT (the stand-in's port), STRIPE_FAKE_URL (use a stand-in that is already running,
// e.g. one a test keeps alive while it crashes and restarts this stack), DEV_CRON_SECONDS (run every-minute
// crons every N seconds instead of 60; 0 turns the crons off), DEV_VARS (JSON: vars per Worker folder, below).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { startStripeFake } from "../packages/stripe-fake/src/index.mjs";
import { findWorkersEntry, ROOT, ROUTE_OVERRIDE_HEADER, spawnWrangler, workerConfigs } from "./lib.mjs";
import { migrateAll } from "./migrate.mjs";
import "./prepare.mjs";

const USAGE = `Usage: node scripts/dev.mjs [--port 8787] [--persist-to .wrangler/state] [--log-level info] [--inspector-port N]
Environment: STRIPE_FAKE_PORT, STRIPE_FAKE_URL, DEV_CRON_SECONDS, DEV_VARS (see the top of scripts/dev.mjs).`;
let parsed;
try {
  parsed = parseArgs({
    options: {
      port: { type: "string", default: process.env.PORT ?? "8787" },
      "persist-to": { type: "string", default: join(ROOT, ".wrangler", "state") },
      "log-level": { type: "string", default: "info" },
      "inspector-port": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
} catch (error) {
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const { values } = parsed;

/** A fresh ES256 signing key for local access tokens; never leaves this machine. */
function devSigningKey() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { ...privateKey.export({ format: "jwk" }), kid: `dev-${Date.now().toString(36)}`, alg: "ES256", use: "sig" };
}

const accountsVars = join(ROOT, "workers", "accounts", ".dev.vars");
if (!existsSync(accountsVars)) {
  writeFileSync(accountsVars, `JWT_PRIVATE_KEYS='${JSON.stringify([devSigningKey()])}'\nDEV_MODE="true"\n`, { mode: 0o600 });
  console.log(`wrote ${relative(ROOT, accountsVars)} (dev signing key, dev outbox on)`);
}

// Every other Worker with a DEV_MODE var (its dev outbox route) gets DEV_MODE="true" in its .dev.vars:
// wrangler's --var reaches only the first config of a multi-config dev session.
for (const worker of workerConfigs().filter((w) => w.name !== "edge" && w.name !== "accounts")) {
  if (!/^DEV_MODE\s*=/m.test(readFileSync(worker.config, "utf8"))) continue;
  const vars = join(worker.dir, ".dev.vars");
  const current = existsSync(vars) ? readFileSync(vars, "utf8") : "";
  if (/^DEV_MODE\s*=/m.test(current)) continue;
  appendFileSync(vars, `${current && !current.endsWith("\n") ? "\n" : ""}DEV_MODE="true"\n`, { mode: 0o600 });
  console.log(`wrote DEV_MODE="true" to ${relative(ROOT, vars)} (dev outbox on)`);
}

// A Worker's `[secrets] required` (wrangler reads only those from .dev.vars then) that .dev.vars lacks gets a random
// dev-only value, generated once and kept: e.g. the jobs Worker's JOBS_SIGNING_SECRET (http.request signatures).
// The secrets written elsewhere here (accounts' JWT keys, the Stripe ones) are left to their own steps.
for (const worker of workerConfigs()) {
  const toml = readFileSync(worker.config, "utf8");
  const section = toml.split(/^\[secrets\]\s*$/m)[1]?.split(/^\[/m)[0] ?? "";
  const names = [...(section.match(/^required\s*=\s*\[([^\]]*)\]/m)?.[1] ?? "").matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1]);
  const generated = names.filter((n) => n !== "JWT_PRIVATE_KEYS" && !n.startsWith("STRIPE_"));
  if (generated.length === 0) continue;
  const file = join(worker.dir, ".dev.vars");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  const missing = generated.filter((n) => !new RegExp(`^${n}\\s*=`, "m").test(current));
  if (missing.length === 0) continue;
  const lines = missing.map((n) => `${n}="dev-${randomBytes(24).toString("hex")}"`);
  appendFileSync(file, `${current && !current.endsWith("\n") ? "\n" : ""}${lines.join("\n")}\n`, { mode: 0o600 });
  console.log(`wrote ${missing.join(", ")} to ${relative(ROOT, file)} (dev-only values of required secrets)`);
}

migrateAll({ persistTo: values["persist-to"], quiet: true });
console.log("applied D1 migrations");

/**
 * The value of `NAME = "value"` in a wrangler.toml (our own files; a plain line scan).
 * @param {string} toml
 * @param {string} name
 */
function tomlString(toml, name) {
  for (const line of toml.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith(name)) continue;
    const rest = trimmed.slice(name.length).trimStart();
    if (!rest.startsWith("=")) continue;
    const value = rest.slice(1).trim();
    if (value.startsWith('"') && value.indexOf('"', 1) > 0) return value.slice(1, value.indexOf('"', 1));
  }
  return undefined;
}

/**
 * Sets `NAME="value"` in a .dev.vars text: replaces the line if there is one (unless keep), else appends.
 * @param {string} text
 * @param {string} name
 * @param {string} value
 * @param {{ keep?: boolean }} [options] keep an existing value (a secret generated once)
 */
function setVar(text, name, value, options = {}) {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith(`${name}=`) || l.startsWith(`${name} =`));
  if (at >= 0) {
    if (!options.keep) lines[at] = `${name}="${value}"`;
    return lines.join("\n");
  }
  return `${text}${text && !text.endsWith("\n") ? "\n" : ""}${name}="${value}"\n`;
}

/** @param {string} text @param {string} name */
function varOf(text, name) {
  const line = text.split("\n").find((l) => l.startsWith(`${name}=`));
  return line?.slice(name.length + 1).replaceAll('"', "");
}

// Several dev servers may start at once (the e2e projects each start one, with its own STRIPE_FAKE_PORT): from
// writing .dev.vars until wrangler has read them (the front door answers /health) one start holds this lock,
// so no shop reads another server's STRIPE_API_BASE. A lock whose owner died or that is older than 2 minutes
// is broken (renamed away first, so two waiters never both delete a fresh one).
const START_LOCK = join(ROOT, ".wrangler", "dev-start.lock");
const STALE_LOCK_MS = 120_000;
let holdingStartLock = false;

/** @param {string} dir */
function staleLock(dir) {
  try {
    const owner = Number(readFileSync(join(dir, "owner"), "utf8"));
    if (Date.now() - statSync(dir).mtimeMs > STALE_LOCK_MS) return true;
    if (!owner) return Date.now() - statSync(dir).mtimeMs > 5000;
    process.kill(owner, 0);
    return false;
  } catch (error) {
    // no owner file yet (being created) is fresh; a dead owner (ESRCH) is stale
    return error?.code === "ESRCH";
  }
}

async function acquireStartLock() {
  mkdirSync(join(ROOT, ".wrangler"), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      mkdirSync(START_LOCK);
      writeFileSync(join(START_LOCK, "owner"), String(process.pid));
      holdingStartLock = true;
      return;
    } catch (error) {
      if (error?.code !== "EEXIST") throw error;
    }
    if (staleLock(START_LOCK)) {
      const away = `${START_LOCK}.stale-${process.pid}-${Date.now()}`;
      try {
        renameSync(START_LOCK, away);
        rmSync(away, { recursive: true, force: true });
      } catch {}
      continue;
    }
    if (!waited) console.log("waiting for another dev server to finish starting (.wrangler/dev-start.lock)");
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function releaseStartLock() {
  if (!holdingStartLock) return;
  holdingStartLock = false;
  rmSync(START_LOCK, { recursive: true, force: true });
}
process.on("exit", releaseStartLock);

// The Stripe stand-in: every Worker with STRIPE_WEBHOOK_PATH gets its address and test secrets in .dev.vars,
// and its webhook URL (through the front door) registered with that Worker's signing secret.
// With STRIPE_FAKE_URL the stand-in is one already running (it outlives this process, as Stripe outlives a crash).
const stripePort = Number(process.env.STRIPE_FAKE_PORT ?? "12111");
const stripeFake = process.env.STRIPE_FAKE_URL
  ? { url: process.env.STRIPE_FAKE_URL.replace(/\/+$/, ""), close: async () => {} }
  : await startStripeFake({ port: stripePort, host: "127.0.0.1" }).catch((error) => {
      console.error(`the Stripe stand-in could not listen on 127.0.0.1:${stripePort} (${error.message}); set STRIPE_FAKE_PORT`);
      process.exit(1);
    });
console.log(`Stripe stand-in on ${stripeFake.url} (pages: ${stripeFake.url}/c/pay/<cs_id>, controls: ${stripeFake.url}/_fake/…)`);
await acquireStartLock();
for (const worker of workerConfigs().filter((w) => w.name !== "edge")) {
  const path = tomlString(readFileSync(worker.config, "utf8"), "STRIPE_WEBHOOK_PATH");
  if (!path) continue;
  const file = join(worker.dir, ".dev.vars");
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  let vars = setVar(before, "STRIPE_API_BASE", stripeFake.url);
  vars = setVar(vars, "STRIPE_SECRET_KEY", "sk_test_edgeworks_dev", { keep: true });
  vars = setVar(vars, "STRIPE_WEBHOOK_SECRET", `whsec_${randomBytes(24).toString("hex")}`, { keep: true });
  if (vars !== before) {
    writeFileSync(file, vars, { mode: 0o600 });
    console.log(`wrote the Stripe stand-in's address and test secrets to ${relative(ROOT, file)}`);
  }
  const url = `http://127.0.0.1:${values.port}${path}`;
  const registered = await fetch(`${stripeFake.url}/_fake/webhook_endpoints`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url, secret: varOf(vars, "STRIPE_WEBHOOK_SECRET") }),
  });
  if (!registered.ok) throw new Error(`registering ${url} with the Stripe stand-in failed: ${await registered.text()}`);
  console.log(`Stripe stand-in delivers ${worker.name}'s events to ${url}`);
}

// DEV_VARS='{"commerce-orders":{"PAYMENT_TIMEOUT_SECONDS":"20"}}': vars of this dev server only (e.g. a test's
// short timeouts), appended to those Workers' .dev.vars under the start lock with a marker (the last value wins),
// and taken out again once wrangler has read them (the front door answers), so neither the next dev server nor
// a Worker's tests (which read .dev.vars too) see them.
const DEV_VARS_MARK = " # DEV_VARS (scripts/dev.mjs)";
const devVars = JSON.parse(process.env.DEV_VARS ?? "{}");
for (const worker of workerConfigs().filter((w) => w.name !== "edge")) {
  const file = join(worker.dir, ".dev.vars");
  const before = existsSync(file) ? readFileSync(file, "utf8") : "";
  const kept = before.split("\n").filter((line) => !line.endsWith(DEV_VARS_MARK));
  const wanted = Object.entries(devVars[worker.name] ?? {});
  for (const [name, value] of wanted) {
    if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(name) || !/^[^"\n\\]{0,1000}$/.test(String(value)))
      throw new Error(`DEV_VARS: ${worker.name}.${name} is not a plain NAME="value"`);
  }
  const body = kept.join("\n").replace(/\n*$/, "");
  const after = `${body}${body ? "\n" : ""}${wanted.map(([n, v]) => `${n}="${v}"${DEV_VARS_MARK}\n`).join("")}`;
  if (after.trim() !== before.trim()) {
    writeFileSync(file, after, { mode: 0o600 });
    if (wanted.length) console.log(`DEV_VARS: ${wanted.map(([n]) => n).join(", ")} for ${worker.name}`);
  }
}

/** Takes the DEV_VARS lines out of every .dev.vars again. */
function removeDevVars() {
  for (const worker of workerConfigs()) {
    const file = join(worker.dir, ".dev.vars");
    if (!existsSync(file)) continue;
    const before = readFileSync(file, "utf8");
    const after = before
      .split("\n")
      .filter((line) => !line.endsWith(DEV_VARS_MARK))
      .join("\n");
    if (after !== before) writeFileSync(file, after, { mode: 0o600 });
  }
}

const configs = workerConfigs().flatMap((w) => ["-c", relative(ROOT, w.config)]);
const child = spawnWrangler(
  [
    "dev",
    ...configs,
    "--ip",
    "127.0.0.1",
    "--port",
    values.port,
    "--persist-to",
    values["persist-to"],
    "--log-level",
    values["log-level"],
    "--show-interactive-dev-session=false",
    // the dev outbox (GET /auth/v1/dev/outbox): [secrets] in accounts' config makes wrangler read only
    // the declared secrets from .dev.vars, so dev-only vars are passed here
    "--var",
    "DEV_MODE:true",
  ],
  { stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => {
  if (holdingStartLock) removeDevVars(); // died before it was up: its DEV_VARS go with it
  releaseStartLock();
  void stripeFake.close().finally(() => process.exit(code ?? 0));
});

// wrangler has read every .dev.vars once the front door answers: let the next dev server start
void (async () => {
  const deadline = Date.now() + STALE_LOCK_MS;
  while (holdingStartLock && Date.now() < deadline) {
    const up = await fetch(`http://127.0.0.1:${values.port}/health`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  removeDevVars();
  releaseStartLock();
  await startCrons();
})();

// Crons. wrangler dev never fires cron triggers ("curl /cdn-cgi/handler/scheduled" reaches only the first
// Worker, the front door), yet the commerce services' outbox sweepers and saga timeouts, the mail retries and
// the shop's and accounts' clean-ups run from them. Here each Worker's `[triggers] crons` fire on schedule (UTC,
// as Cloudflare does) through the Miniflare instance behind wrangler's proxy, addressed by Worker name.
/** @param {string} field @param {number} value @param {number} min */
function cronFieldMatches(field, value, min) {
  return field.split(",").some((part) => {
    const [range, stepText] = part.split("/");
    const step = stepText ? Number(stepText) : 1;
    let [lo, hi] = [min, Number.POSITIVE_INFINITY];
    if (range !== "*") {
      const [a, b] = range.split("-").map(Number);
      [lo, hi] = [a, b ?? (stepText ? Number.POSITIVE_INFINITY : a)];
    }
    return value >= lo && value <= hi && (value - lo) % step === 0;
  });
}

/** Whether a five-field cron expression (numbers, `*`, ranges, lists, steps) matches the minute of `date` (UTC). */
export function cronMatches(expression, date) {
  const f = expression.trim().split(/\s+/);
  if (f.length !== 5) return false;
  const values = [date.getUTCMinutes(), date.getUTCHours(), date.getUTCDate(), date.getUTCMonth() + 1, date.getUTCDay()];
  const mins = [0, 0, 1, 1, 0];
  return f.every((field, i) => cronFieldMatches(field, values[i], mins[i]) || (i === 4 && field === "7" && values[4] === 0));
}

async function startCrons() {
  const every = Number(process.env.DEV_CRON_SECONDS ?? "60");
  if (!(every > 0)) return;
  const jobs = [];
  for (const worker of workerConfigs()) {
    const toml = readFileSync(worker.config, "utf8");
    const name = tomlString(toml, "name");
    const list = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
    if (!name || !list) continue;
    for (const cron of list.match(/"[^"]*"/g) ?? []) jobs.push({ worker: name, cron: cron.slice(1, -1) });
  }
  if (jobs.length === 0) return;
  let entry = null;
  for (let i = 0; i < 40 && !entry; i++) {
    entry = await findWorkersEntry(child.pid, { exclude: [Number(values.port)] });
    if (!entry) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!entry) {
    console.warn("crons: the Workers' Miniflare address was not found (Linux /proc only); cron triggers do not run");
    return;
  }
  console.log(
    `crons: ${jobs.map((j) => `${j.worker} "${j.cron}"`).join(", ")}${every === 60 ? "" : ` (every-minute ones every ${every} s)`}`,
  );
  // wrangler restarts workerd when a file changes (a new Miniflare port): a refused connection re-discovers the
  // address once for every job waiting on it, and a run of failures is reported once, not once per job
  let rediscovery = null;
  let failing = false;
  const rediscover = () => {
    rediscovery ??= findWorkersEntry(child.pid, { exclude: [Number(values.port)] }).then((found) => {
      rediscovery = null;
      if (found) entry = found;
      return found;
    });
    return rediscovery;
  };
  const post = (job, at) =>
    fetch(`${entry}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(job.cron)}&time=${at.getTime()}`, {
      headers: { [ROUTE_OVERRIDE_HEADER]: job.worker },
      signal: AbortSignal.timeout(60_000),
    });
  const fire = async (job, at) => {
    let res = await post(job, at).catch(() => null);
    if (!res && (await rediscover())) res = await post(job, at).catch(() => null);
    if (res?.ok) {
      if (failing) console.log("crons: running again");
      failing = false;
      return;
    }
    const detail = res ? `${res.status} ${(await res.text()).slice(0, 300)}` : "the Workers are not reachable (restarting?)";
    if (res || !failing) console.warn(`crons: ${job.worker} "${job.cron}" failed: ${detail}`);
    if (!res) failing = true;
  };
  let lastMinute = -1;
  const tick = () => {
    const now = new Date();
    const minute = Math.floor(now.getTime() / 60_000);
    for (const job of jobs) {
      const everyMinute = job.cron.trim() === "* * * * *";
      if ((everyMinute && every < 60) || (minute !== lastMinute && cronMatches(job.cron, now))) void fire(job, now);
    }
    lastMinute = minute;
  };
  // every-minute crons on the minute (or every N s), others once in each minute they match
  const period = Math.min(every, 60) * 1000;
  setTimeout(
    () => {
      tick();
      setInterval(tick, period).unref();
    },
    every < 60 ? period : 60_000 - (Date.now() % 60_000),
  ).unref();
}
