// `pnpm run deploy`: everything on Cloudflare from a fresh clone, and again after any change (idempotent).
// 1. reads every Worker's wrangler.toml (the front door's at the root, workers/*/wrangler.toml),
// 2. finds by name, or creates, every D1 database, KV namespace, queue (and dead-letter queue) and R2 bucket
//    they reference, and writes the real ids into the configs (comments and layout kept),
// 3. gives every dead-letter queue that no Worker consumes an HTTP pull consumer (`pnpm dlq` reads it),
// 4. deploys the front door with its custom domain (EDGEWORKS_DOMAIN) and the links Worker with the
//    short-link host's (EDGEWORKS_SHORT_LINK_HOST), as `--domain` (not in the configs: see deployDomains),
// 5. generates the secrets a Worker is missing (JWT_PRIVATE_KEYS, VAPID_PRIVATE_KEY: scripts/keys.mjs) or
//    takes them from the environment (MAIL_HTTP_API_KEY, any other name in a config's `[secrets] required`),
// 6. applies every database's remote migrations, then deploys the Workers in dependency order (a Worker
//    after the Workers its [[services]] bind; the front door last) with PUBLIC_ORIGIN (and the mail and
//    PBKDF2 settings) as --var, and prints the URLs.
// `--dry-run` prints the plan and changes nothing (without Cloudflare credentials it plans as if nothing
// existed, and says so). The parts: scripts/deploy/resources.mjs (what the configs ask for, deploy order),
// settings.mjs (what a person decides), plan.mjs (actions from configs + what exists), toml-edit.mjs
// (config text edits that keep comments) — all pure, tested in scripts/test/deploy.test.mjs — and
// wrangler.mjs (running wrangler, reading its output); `deploy()` below runs the plan
// (scripts/test/deploy-run.test.mjs runs it against a fake account).
// Usage: node scripts/deploy.mjs [--dry-run] [--domain api.example.com] [--short-link-host s.example.com]
//                                [--origin https://...] [--only accounts,todo]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, stripVTControlCharacters } from "node:util";
import { describeAction, editConfigs, provisionPlan, releasePlan } from "./deploy/plan.mjs";
import { desiredResources } from "./deploy/resources.mjs";
import { envSecret, GENERATED_SECRETS, settingsFrom, settingsProblems } from "./deploy/settings.mjs";
import { CREATE, json, listExisting, readWorkers, wranglerRunner } from "./deploy/wrangler.mjs";
import { generate } from "./keys.mjs";
import { ROOT } from "./lib.mjs";

export * from "./deploy/plan.mjs";
export * from "./deploy/resources.mjs";
export * from "./deploy/settings.mjs";
export * from "./deploy/toml-edit.mjs";
export * from "./deploy/wrangler.mjs";

/**
 * The whole deploy against `run` (wrangler; tests pass a fake account): plan, print, and unless `dry`,
 * create, write the configs under `root`, migrate and deploy. Returns what it did; `refused` when a problem
 * stopped it before any change.
 */
export async function deploy({ root = ROOT, run = wranglerRunner(root), settings, dry = false, only, log = console.log }) {
  const workers = await readWorkers(root);
  let existing;
  let offline = false;
  try {
    existing = listExisting(workers, settings, run);
  } catch (err) {
    if (!dry) throw err;
    offline = true;
    existing = { d1: [], kv: [], queues: [], r2: [], secrets: {} };
    const reason =
      stripVTControlCharacters(err.output ?? err.message)
        .split("\n")
        .find((l) => /ERROR|error/.test(l)) ?? "no output";
    log(`wrangler could not list this account's resources: ${reason.replace(/^\W*\[ERROR\]\s*/, "").trim()}`);
    log("Dry run without Cloudflare credentials: planning as if nothing existed yet.\n");
  }

  const problems = [...desiredResources(workers).problems, ...settingsProblems(workers, settings, existing.secrets)];
  let provision = provisionPlan(workers, existing, settings);
  let release = releasePlan(workers, settings);
  if (only) {
    // secrets travel with a Worker's deploy, so only the deployed Workers' are made
    const names = new Set(only.split(",").map((n) => (n.startsWith("edgeworks-") ? n : `edgeworks-${n}`)));
    release = release.filter((a) => a.type !== "deploy" || names.has(a.worker));
    provision = provision.filter((a) => a.type !== "secret" || names.has(a.worker));
  }
  const result = { provision, release, problems, offline, refused: false, deployed: [], wrote: [] };

  log(
    `Front door: ${settings.domain ? `https://${settings.domain}` : "(no EDGEWORKS_DOMAIN)"}; PUBLIC_ORIGIN: ${settings.origin ?? "(empty)"}; short links: ${settings.shortLinkHost ? `https://${settings.shortLinkHost}` : "on the front door"}`,
  );
  log(`\nProvision (${provision.length} action${provision.length === 1 ? "" : "s"}${offline ? ", assuming nothing exists" : ""}):`);
  for (const a of provision) log(`  - ${describeAction(a)}`);
  if (provision.length === 0) log("  (nothing: every resource, id and secret is in place)");
  log(`\nRelease (${release.length} steps, in this order):`);
  for (const a of release) log(`  - ${describeAction(a)}`);
  if (problems.length) {
    log(`\n${dry ? "A real run would refuse to start" : "Refusing to deploy"}:`);
    for (const p of problems) log(`  ✗ ${p}`);
  }
  if (dry) {
    log("\nDry run: nothing was created, written, uploaded or deployed.");
    return result;
  }
  if (problems.length) return { ...result, refused: true };

  // 1. resources
  for (const a of provision.filter((x) => x.type === "create")) {
    try {
      run(CREATE[a.kind](a.name));
      log(`created ${a.kind} ${a.name}`);
    } catch (err) {
      if (!/already exists|already taken|already in use/i.test(err.output ?? "")) throw err;
      log(`${a.kind} ${a.name} already exists`);
    }
  }
  for (const a of provision.filter((x) => x.type === "pull-consumer")) {
    // 100 retries: each look with `pnpm dlq` counts as a delivery attempt; messages must not expire by being read
    run(["queues", "consumer", "http", "add", a.queue, "--message-retries", "100"]);
    log(`HTTP pull consumer on ${a.queue}`);
  }
  // 2. secrets (generated now; uploaded with each Worker's deploy through --secrets-file)
  const secretsFor = {};
  const publicVars = {};
  for (const a of provision.filter((x) => x.type === "secret")) {
    let value = envSecret(a.worker, a.name, settings.env);
    if (a.source === "generated") {
      const made = Object.values(generate([GENERATED_SECRETS[a.name].kind]))[0];
      value = made[a.name];
      if (a.publicVar) publicVars[a.configPath] = { ...publicVars[a.configPath], [a.publicVar]: made[a.publicVar] };
    }
    secretsFor[a.worker] = { ...secretsFor[a.worker], [a.name]: value };
  }
  // 3. ids and public keys into the configs
  const after = {
    ...existing,
    d1: json(run(["d1", "list", "--json"])).map((d) => ({ name: d.name, uuid: d.uuid })),
    kv: json(run(["kv", "namespace", "list"])),
  };
  for (const { configPath, text } of editConfigs(workers, after, publicVars)) {
    writeFileSync(join(root, configPath), text);
    result.wrote.push(configPath);
    log(`wrote ${configPath}`);
  }
  // 4. migrations: every database, all failures reported before stopping
  const failed = [];
  for (const a of release.filter((x) => x.type === "migrate")) {
    try {
      run(["d1", "migrations", "apply", a.database, "--remote", "-c", a.configPath]);
      log(`migrated ${a.database}`);
    } catch (err) {
      failed.push(`${a.database}: ${err.message}`);
    }
  }
  if (failed.length) throw new Error(`migrations failed, nothing deployed:\n${failed.join("\n")}`);
  // 5. deploys in dependency order; a generated secret exists only in a 0600 temp file, removed after
  const tmp = mkdtempSync(join(tmpdir(), "edgeworks-deploy-"));
  const urls = [];
  try {
    for (const a of release.filter((x) => x.type === "deploy")) {
      const args = [
        "deploy",
        "-c",
        a.configPath,
        ...a.domains.flatMap((d) => ["--domain", d]),
        ...Object.entries(a.vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
      ];
      if (secretsFor[a.worker]) {
        const file = join(tmp, `${a.worker}.json`);
        writeFileSync(file, JSON.stringify(secretsFor[a.worker]), { mode: 0o600 });
        args.push("--secrets-file", file);
      }
      const out = run(args);
      urls.push(...[...out.matchAll(/https:\/\/\S+/g)].map((m) => `${a.worker}: ${m[0]}`));
      result.deployed.push(a.worker);
      log(`deployed ${a.worker}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  log("\nDeployed. URLs:");
  if (settings.domain)
    log(`  front door: https://${settings.domain}  (API references: https://${settings.domain}/auth/docs, /todo/docs, ...)`);
  if (settings.shortLinkHost) log(`  short links: https://${settings.shortLinkHost}/<slug>`);
  for (const u of urls) log(`  ${u}`);
  if (result.wrote.length) log(`\n${result.wrote.join(", ")} changed (real ids, VAPID public key): commit them.`);
  return result;
}

async function main() {
  const { values } = parseArgs({
    options: {
      "dry-run": { type: "boolean" },
      domain: { type: "string" },
      "short-link-host": { type: "string" },
      origin: { type: "string" },
      only: { type: "string" },
    },
  });
  const settings = settingsFrom({ domain: values.domain, shortLinkHost: values["short-link-host"], origin: values.origin }, process.env);
  const result = await deploy({ settings, dry: values["dry-run"], only: values.only });
  if (result.refused) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err.message);
    if (/CLOUDFLARE_API_TOKEN|not authenticated|login/i.test(err.message))
      console.error("\nLog in first: npx wrangler login (or set CLOUDFLARE_API_TOKEN); see docs/deploy.md.");
    process.exit(1);
  });
}
