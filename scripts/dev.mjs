// `pnpm dev`: everything on http://127.0.0.1:8787 in one wrangler dev process, offline.
// 1. copies the docs UI assets, 2. writes dev secrets (.dev.vars) where missing, 3. applies every
// D1 migration locally, 4. starts the Stripe stand-in (packages/stripe-fake) on 127.0.0.1:12111
// (STRIPE_FAKE_PORT) and wires every Worker with STRIPE_WEBHOOK_PATH to it, 5. starts wrangler dev with
// the front door config plus every product's config.
// Usage: node scripts/dev.mjs [--port 8787] [--persist-to .wrangler/state] [--log-level info] [--inspector-port N]
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { startStripeFake } from "../packages/stripe-fake/src/index.mjs";
import { ROOT, spawnWrangler, workerConfigs } from "./lib.mjs";
import { migrateAll } from "./migrate.mjs";
import "./prepare.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8787" },
    "persist-to": { type: "string", default: join(ROOT, ".wrangler", "state") },
    "log-level": { type: "string", default: "info" },
    "inspector-port": { type: "string" },
  },
});

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
const stripePort = Number(process.env.STRIPE_FAKE_PORT ?? "12111");
const stripeFake = await startStripeFake({ port: stripePort, host: "127.0.0.1" }).catch((error) => {
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
  releaseStartLock();
})();
