// Node side of `workerTestConfig({ mesh })`: sibling Workers bundled by wrangler (as deployed) and run as
// Miniflare auxiliary Workers next to the Worker under test, under their wrangler `name`, so service
// bindings (RPC entrypoints included), queues (producers and consumers), D1, KV and Durable Objects
// all work between them as in production.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type D1Migration, readD1Migrations } from "@cloudflare/vitest-pool-workers";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url)); // the repository root
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** `commerce-catalog` → `COMMERCE_CATALOG`. */
export const upperSnake = (name: string): string => name.replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();

/** The binding the Worker under test gets for a mesh Worker's D1 database. */
export const meshDbBinding = (folder: string, binding: string): string =>
  binding === "DB" ? `MESH_DB_${upperSnake(folder)}` : `MESH_DB_${upperSnake(folder)}_${upperSnake(binding)}`;

// one bundle per wrangler.toml per process (a vitest run loads each config once; several projects may
// share a mesh Worker), in its own temporary folder removed when the process ends
const bundles = new Map<string, Promise<string>>();
let bundleRoot: string | undefined;

function bundleDir(): string {
  if (!bundleRoot) {
    const base = join(tmpdir(), "edgeworks-mesh");
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, `${process.pid}-`));
    bundleRoot = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return bundleRoot;
}

/** `wrangler deploy --dry-run --outdir`: the Worker as it would be uploaded (its index.js). */
export function bundleWorker(configPath: string): Promise<string> {
  let bundle = bundles.get(configPath);
  if (!bundle) {
    const outdir = mkdtempSync(join(bundleDir(), "w-"));
    bundle = new Promise<string>((done, fail) => {
      let output = "";
      const child = spawn(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", outdir, "--config", configPath], {
        cwd: dirname(configPath),
        env: {
          ...process.env,
          CI: "true",
          WRANGLER_HIDE_BANNER: "true",
          WRANGLER_SEND_METRICS: "false",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("error", fail);
      child.on("exit", (code) => {
        const script = join(outdir, "index.js");
        if (code === 0 && existsSync(script)) done(script);
        else fail(new Error(`mesh: bundling ${configPath} failed (exit ${code}):\n${output}`));
      });
    });
    bundles.set(configPath, bundle);
  }
  return bundle;
}

/** What `workerTestConfig` adds to the Worker under test's Miniflare options. */
export interface MeshOptions {
  /** The auxiliary Workers: the mesh Workers, then a stub for every service no Worker in the run provides. */
  workers: Record<string, unknown>[];
  /** `MESH_DB_*` → the mesh Worker's database (same id, so the same database). */
  d1Databases: Record<string, unknown>;
  /** `MESH_DB_*` → its migrations (setup-migrations.ts applies them before each test file). */
  migrations: Record<string, D1Migration[]>;
}

interface WranglerConfig {
  name?: string;
  vars?: Record<string, unknown>;
  d1_databases?: { binding: string; migrations_dir?: string }[];
  services?: { binding: string; service: string; entrypoint?: string }[];
}

/**
 * A Worker that stands in for a service no Worker of the run provides (every entrypoint answers 503 to
 * fetch and has no RPC methods), so a mesh Worker's binding to e.g. edgeworks-mail does not stop Miniflare.
 */
function absentWorker(name: string, entrypoints: Set<string>) {
  const cls = `class extends WorkerEntrypoint { fetch() { return new Response(${JSON.stringify(`${name} is not in the mesh`)}, { status: 503 }); } }`;
  const named = [...entrypoints].filter((e) => e !== "default").map((e) => `export const ${e} = ${cls};`);
  return {
    name,
    modules: true,
    script: [`import { WorkerEntrypoint } from "cloudflare:workers";`, `export default ${cls};`, ...named].join("\n"),
    compatibilityDate: "2026-04-01",
  };
}

/**
 * The mesh Workers' Miniflare options: wrangler's own (`unstable_getMiniflareWorkerOptions`: D1, KV, Durable
 * Objects with SQLite, queue producers and consumers, vars, compatibility date and flags) on the bundle;
 * ACCOUNTS → the accounts stand-in, Stripe bindings for those with STRIPE_WEBHOOK_PATH, LOG_LEVEL silent,
 * then `bindings` (per folder) over the vars.
 */
export async function meshWorkers(options: {
  names: string[];
  dir?: string | URL;
  /** The Worker under test's wrangler.toml (its service bindings get stubs when nothing provides them). */
  mainConfig: string;
  /** The accounts stand-in's Worker name (every ACCOUNTS binding goes there). */
  accounts?: string;
  stripe: Record<string, string>;
  bindings?: Record<string, Record<string, string>>;
}): Promise<MeshOptions> {
  const wrangler = await import("wrangler");
  const dir =
    options.dir === undefined ? join(ROOT, "workers") : typeof options.dir === "string" ? options.dir : fileURLToPath(options.dir);
  const unknownMesh = Object.keys(options.bindings ?? {}).filter((n) => !options.names.includes(n));
  if (unknownMesh.length) throw new Error(`mesh: meshBindings for Workers not in mesh: ${unknownMesh.join(", ")}`);
  const configs = options.names.map((folder) => ({ folder, configPath: resolve(dir, folder, "wrangler.toml") }));
  for (const { configPath } of configs) if (!existsSync(configPath)) throw new Error(`mesh: no ${configPath}`);
  const scripts = await Promise.all(configs.map(({ configPath }) => bundleWorker(configPath)));

  const workers: Record<string, unknown>[] = [];
  const d1Databases: Record<string, unknown> = {};
  const migrations: Record<string, D1Migration[]> = {};
  const provided = new Set<string>(options.accounts ? [options.accounts] : []);
  const wanted = new Map<string, Set<string>>(); // service name → entrypoints asked for
  const want = (service: string, entrypoint = "default") => {
    const set = wanted.get(service) ?? new Set<string>();
    set.add(entrypoint);
    wanted.set(service, set);
  };

  const main = wrangler.unstable_readConfig({ config: options.mainConfig }) as unknown as WranglerConfig;
  for (const [i, { folder, configPath }] of configs.entries()) {
    const config = wrangler.unstable_readConfig({ config: configPath }) as unknown as WranglerConfig;
    if (!config.name) throw new Error(`mesh: ${configPath} has no name`);
    if (config.name === main.name) throw new Error(`mesh: ${folder} is the Worker under test; list only its siblings`);
    provided.add(config.name);
    const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(configPath);
    const services = { ...(workerOptions.serviceBindings as Record<string, unknown>) };
    for (const [binding, target] of Object.entries(services)) {
      if (binding === "ACCOUNTS" && options.accounts) services[binding] = options.accounts;
      else if (typeof target === "string") want(target);
      else if (target && typeof target === "object" && "name" in target && typeof target.name === "string") {
        want(target.name, "entrypoint" in target && typeof target.entrypoint === "string" ? target.entrypoint : undefined);
      }
    }
    const vars = config.vars ?? {};
    const stripe = "STRIPE_WEBHOOK_PATH" in vars ? options.stripe : {};
    workers.push({
      ...workerOptions,
      name: config.name,
      modules: true,
      scriptPath: scripts[i],
      modulesRoot: dirname(scripts[i] as string),
      bindings: { ...workerOptions.bindings, LOG_LEVEL: "silent", ...stripe, ...options.bindings?.[folder] },
      serviceBindings: services,
    });
    const dbs = (workerOptions.d1Databases ?? {}) as Record<string, unknown>;
    for (const db of config.d1_databases ?? []) {
      const binding = meshDbBinding(folder, db.binding);
      d1Databases[binding] = dbs[db.binding];
      if (db.migrations_dir) {
        const path = isAbsolute(db.migrations_dir) ? db.migrations_dir : resolve(dirname(configPath), db.migrations_dir);
        if (existsSync(path)) migrations[binding] = await readD1Migrations(path);
      }
    }
  }

  for (const s of main.services ?? []) if (!(s.binding === "ACCOUNTS" && options.accounts)) want(s.service, s.entrypoint);
  for (const [service, entrypoints] of wanted) if (!provided.has(service)) workers.push(absentWorker(service, entrypoints));
  return { workers, d1Databases, migrations };
}
