// Measures the redirect of a cached short link next to the bare baseline Worker, in the lean setup of
// `pnpm bench` (production bundles served by Miniflare's API, logging off, click Queue and consumer on):
//   1. through the front door (edge → service binding → links), 2. directly on the links Worker.
// Until `pnpm bench` (scripts/bench.mjs) has these rows, this is how the numbers in the README are made.
// Usage: node workers/links/bench/redirect.mjs [--seconds 10] [--connections 10]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Log, LogLevel, Miniflare } from "miniflare";
import { ROOT, wrangler } from "../../../scripts/lib.mjs";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, connections: { type: "string", default: "10" } } });
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const COMPAT = { compatibilityDate: "2026-04-01", compatibilityFlags: ["nodejs_compat"] };
const work = mkdtempSync(join(tmpdir(), "links-bench-"));

const bundle = (name, config) => {
  const dir = join(work, name);
  wrangler(["deploy", "--dry-run", "--outdir", dir, "-c", config], { stdio: "pipe" });
  return dir;
};
const worker = (name, dir, extra) => ({ name, modules: true, scriptPath: join(dir, "index.js"), modulesRoot: dir, ...COMPAT, ...extra });
const edgeDir = bundle("edge", join(ROOT, "wrangler.toml"));
const linksDir = bundle("links", join(ROOT, "workers", "links", "wrangler.toml"));

// the bindings of workers/links/wrangler.toml
const links = () =>
  worker("edgeworks-links", linksDir, {
    bindings: { JWT_ISSUER: "edgeworks-accounts", JWT_AUDIENCE: "edgeworks", LOG_LEVEL: "silent", PUBLIC_ORIGIN: "", BLOCKED_DOMAINS: "" },
    d1Databases: { DB: "edgeworks-links" },
    kvNamespaces: { LINK_CACHE: "link-cache" },
    queueProducers: { CLICKS: "edgeworks-link-clicks" },
    queueConsumers: {
      "edgeworks-link-clicks": { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 5, deadLetterQueue: "edgeworks-link-clicks-dlq" },
    },
    durableObjects: { RATE_LIMITER: { className: "RateLimiter", useSQLite: true }, CLICK_CAP: { className: "ClickCap", useSQLite: true } },
    serviceBindings: { ACCOUNTS: async () => new Response("not here", { status: 404 }) },
  });
const common = { host: "127.0.0.1", port: 0, cf: false, log: new Log(LogLevel.WARN) };
const edgeBindings = { bindings: { LOG_LEVEL: "silent", CORS_ORIGINS: "*" }, serviceBindings: { LINKS: "edgeworks-links" } };
const stack = new Miniflare({ ...common, workers: [worker("edgeworks-edge", edgeDir, edgeBindings), links()] });
const direct = new Miniflare({ ...common, workers: [links()] });
const baseline = new Miniflare({
  ...common,
  modules: true,
  scriptPath: join(ROOT, "scripts", "bench", "baseline.mjs"),
  modulesRoot: join(ROOT, "scripts", "bench"),
  ...COMPAT,
});

const run = (opts) => new Promise((resolve, reject) => autocannon(opts, (err, r) => (err ? reject(err) : resolve(r))));
async function measure(url, status) {
  await run({ url, connections, duration: 2 });
  const r = await run({ url, connections, duration: seconds });
  const codes = Object.keys(r.statusCodeStats ?? {});
  if (r.errors > 0 || codes.some((c) => c !== String(status)))
    throw new Error(`${url}: ${JSON.stringify(r.statusCodeStats)}, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

async function migrate(mf) {
  const db = await mf.getD1Database("DB", "edgeworks-links");
  for (const file of readdirSync(join(ROOT, "migrations", "links")).sort()) {
    const sql = readFileSync(join(ROOT, "migrations", "links", file), "utf8").replace(/--.*$/gm, "");
    for (const statement of sql
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean))
      await db.prepare(statement).run();
  }
}

/** Creates a link (anonymously) and follows it once, so that it is cached. */
async function seed(url) {
  const res = await fetch(`${url}/links/v1/links`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ url: "https://example.com/landing?utm_source=bench" }),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  const { slug } = await res.json();
  if ((await fetch(`${url}/${slug}`, { redirect: "manual" })).status !== 302) throw new Error("the link does not redirect");
  await new Promise((r) => setTimeout(r, 500));
  return `${url}/${slug}`;
}

try {
  const [stackUrl, directUrl, baseUrl] = (await Promise.all([stack.ready, direct.ready, baseline.ready])).map((u) => u.origin);
  await Promise.all([migrate(stack), migrate(direct)]);
  const [viaFrontDoor, onLinks] = [await seed(stackUrl), await seed(directUrl)];
  const rows = [
    ["baseline Worker (fixed 200)", await measure(`${baseUrl}/`, 200)],
    ["GET /{slug} directly on the links Worker", await measure(onLinks, 302)],
    ["GET /{slug} through the front door", await measure(viaFrontDoor, 302)],
    ["GET /health on the front door (no hop)", await measure(`${stackUrl}/health`, 200)],
  ];
  const base = rows[0][1];
  console.log("| target | req/s | p50 ms | p99 ms | × baseline req/s | × baseline p99 |\n|---|---:|---:|---:|---:|---:|");
  for (const [name, m] of rows) {
    console.log(
      `| ${name} | ${m.rps.toFixed(0)} | ${m.p50} | ${m.p99} | ${(m.rps / base.rps).toFixed(2)} | ${(m.p99 / Math.max(1, base.p99)).toFixed(2)} |`,
    );
  }
} finally {
  await Promise.all([stack.dispose(), direct.dispose(), baseline.dispose()]);
  rmSync(work, { recursive: true, force: true });
}
