// Serves the production bundles through Miniflare's API (workerd with no wrangler dev proxy and no
// request logging), so that the benchmark sees our code's cost rather than the dev server's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { ROOT, workerConfigs, wrangler } from "../lib.mjs";

const hasCode = (w) => /^main\s*=/m.test(readFileSync(w.config, "utf8"));

const COMPAT = { compatibilityDate: "2026-04-01", compatibilityFlags: ["nodejs_compat"] };

/** Bundles every Worker exactly as `wrangler deploy` would (minified), into `outDir/<name>/`. */
export function buildBundles(outDir) {
  const bundles = {};
  for (const w of workerConfigs()) {
    if (!hasCode(w)) continue; // assets only: nothing to bundle
    const dir = join(outDir, w.name);
    wrangler(["deploy", "--dry-run", "--outdir", dir, "-c", w.config], { stdio: "pipe" });
    bundles[w.name] = dir;
  }
  return bundles;
}

/**
 * Miniflare options for one Worker, derived from its wrangler.toml by wrangler itself (every binding:
 * D1, KV, Queues, Durable Objects, services, assets), pointed at the built bundle.
 */
function workerFrom(w, bundleDir, name) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(w.config);
  // an assets-only Worker: the assets router answers; this script only sees misses
  if (!bundleDir)
    return { ...workerOptions, name, modules: true, script: "export default { fetch: () => new Response(null, { status: 404 }) };" };
  return {
    ...workerOptions,
    name,
    modules: true,
    modulesRules: undefined,
    scriptPath: join(bundleDir, "index.js"),
    modulesRoot: bundleDir,
    bindings: { ...workerOptions.bindings, LOG_LEVEL: "silent" },
  };
}

const DIRECT = [{ host: "127.0.0.1", port: 0 }];

/**
 * Starts every Worker (front door first, products, plus the baseline and the D1-floor Workers) in one
 * workerd, with D1/KV/DO state from `persistTo` (already migrated by wrangler). Each Worker gets a
 * socket of its own, so every row is measured on the same footing: no Miniflare entry worker in front
 * of any of them (the front door still calls products over service bindings). The front door's static
 * assets (only /_docs/*) are not in that path.
 */
export async function startLean({ bundles, persistTo, secrets }) {
  const products = workerConfigs().map((w) => {
    const name = w.name === "edge" ? "edgeworks-edge" : `edgeworks-${w.name}`;
    const options = workerFrom(w, bundles[w.name], name);
    return { ...options, bindings: { ...options.bindings, ...(secrets[w.name] ?? {}) }, unsafeDirectSockets: DIRECT };
  });
  const extra = (name, file, more = {}) => ({
    name,
    modules: true,
    scriptPath: join(ROOT, "scripts", "bench", file),
    ...COMPAT,
    unsafeDirectSockets: DIRECT,
    ...more,
  });
  const mf = new Miniflare({
    workers: [
      ...products,
      extra("bench-baseline", "baseline.mjs"),
      extra("bench-d1-floor", "d1-floor.mjs", { d1Databases: { DB: "bench-floor" } }),
    ],
    host: "127.0.0.1",
    port: 0,
    cf: false, // no request.cf download: there is no internet here
    d1Persist: join(persistTo, "v3", "d1"),
    durableObjectsPersist: join(persistTo, "v3", "do"),
    kvPersist: join(persistTo, "v3", "kv"),
    log: new Log(LogLevel.WARN),
  });
  await mf.ready;
  const url = async (name) => (await mf.unsafeGetDirectURL(name)).origin;
  const direct = {};
  for (const w of workerConfigs().filter((c) => c.name !== "edge")) direct[w.name] = await url(`edgeworks-${w.name}`);
  return {
    stackUrl: await url("edgeworks-edge"),
    baselineUrl: await url("bench-baseline"),
    floorUrl: await url("bench-d1-floor"),
    direct,
    dispose: () => mf.dispose(),
  };
}
