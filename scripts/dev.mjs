// `pnpm dev`: everything on http://127.0.0.1:8787 in one wrangler dev process, offline.
// 1. copies the docs UI assets, 2. writes dev secrets (.dev.vars) where missing, 3. applies every
// D1 migration locally, 4. starts wrangler dev with the front door config plus every product's config.
// Usage: node scripts/dev.mjs [--port 8787] [--persist-to .wrangler/state] [--log-level info] [--inspector-port N]
import { generateKeyPairSync } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
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
child.on("exit", (code) => process.exit(code ?? 0));
