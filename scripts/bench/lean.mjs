// Serves the production bundles through Miniflare's API (workerd with no wrangler dev proxy and no
// request logging), so that the benchmark sees our code's cost rather than the dev server's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { ROOT, workerConfigs, wrangler } from "../lib.mjs";

const COMPAT = { compatibilityDate: "2026-04-01", compatibilityFlags: ["nodejs_compat"] };

/** Bundles every Worker exactly as `wrangler deploy` would (minified), into `outDir/<name>/`. */
export function buildBundles(outDir) {
  const bundles = {};
  for (const w of workerConfigs()) {
    const dir = join(outDir, w.name);
    wrangler(["deploy", "--dry-run", "--outdir", dir, "-c", w.config], { stdio: "pipe" });
    bundles[w.name] = dir;
  }
  return bundles;
}

const tomlVars = (config) => {
  const text = readFileSync(config, "utf8");
  const section = /\[vars\]([\s\S]*?)(\n\[|$)/.exec(text)?.[1] ?? "";
  return Object.fromEntries([...section.matchAll(/^(\w+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1], m[2]]));
};

/**
 * Starts the stack (front door first) with D1 state from `persistTo` (already migrated by wrangler)
 * and one more Miniflare for the baseline Worker. Returns their URLs and a dispose function.
 */
export async function startLean({ bundles, persistTo, secrets }) {
  const products = workerConfigs().filter((w) => w.name !== "edge");
  const worker = (name, dir, extra) => ({
    name,
    modules: true,
    scriptPath: join(dir, "index.js"),
    modulesRoot: dir,
    ...COMPAT,
    ...extra,
  });
  const edge = worker("edgeworks-edge", bundles.edge, {
    bindings: { ...tomlVars(join(ROOT, "wrangler.toml")), LOG_LEVEL: "silent" },
    serviceBindings: Object.fromEntries(products.map((p) => [p.name.toUpperCase(), `edgeworks-${p.name}`])),
  });
  const productWorkers = products.map((p) =>
    worker(`edgeworks-${p.name}`, bundles[p.name], {
      bindings: { ...tomlVars(p.config), ...(secrets[p.name] ?? {}), LOG_LEVEL: "silent" },
      d1Databases: { DB: /database_id = "([^"]+)"/.exec(readFileSync(p.config, "utf8"))?.[1] },
      durableObjects: { RATE_LIMITER: { className: "RateLimiter", useSQLite: true } },
      serviceBindings: p.name === "accounts" ? {} : { ACCOUNTS: "edgeworks-accounts" },
    }),
  );
  const log = new Log(LogLevel.WARN);
  const stack = new Miniflare({
    workers: [edge, ...productWorkers],
    host: "127.0.0.1",
    port: 0,
    cf: false, // no request.cf download: there is no internet here
    d1Persist: join(persistTo, "v3", "d1"),
    durableObjectsPersist: join(persistTo, "v3", "do"),
    log,
  });
  const baseline = new Miniflare({
    modules: true,
    scriptPath: join(ROOT, "scripts", "bench", "baseline.mjs"),
    ...COMPAT,
    host: "127.0.0.1",
    port: 0,
    cf: false,
    log,
  });
  const [stackUrl, baselineUrl] = await Promise.all([stack.ready, baseline.ready]);
  return {
    stackUrl: stackUrl.origin,
    baselineUrl: baselineUrl.origin,
    dispose: () => Promise.all([stack.dispose(), baseline.dispose()]),
  };
}
