// API gateway (issue 14): a proxied request next to the same upstream called directly, under `pnpm dev` itself.
// Fairness: the upstream is the bare baseline Worker (scripts/bench/baseline.mjs, a fixed 200) in its own wrangler
// dev, reached on the Miniflare socket behind wrangler's proxy both ways, so the direct row and the proxied rows
// end in the same socket, runtime and Worker; only what sits in front differs. (A Node upstream would be unfair
// the other way: Node answers ~10× faster than any Worker under wrangler dev, so the ratio would measure workerd,
// not the gateway.) The gateway reaches it as a loopback URL target (allowed under pnpm dev, DEV_MODE=true), over
// real TCP, as it reaches an https origin in production.
// Rows (autocannon, C connections, S seconds each after a 2 s warm-up):
//   a. the upstream directly (its Miniflare socket)                                  ← the reference
//   b. the gateway Worker directly (`MF-Route-Override`), a route with no plugins     → upstream
//   c. the gateway Worker directly, a route with `auth` (API key) + `rate-limit`       → upstream   ← the goal row
//   d. the front door (edge → gateway, auth + rate-limit) on the Miniflare socket      → upstream
//   e. as a client sees it: wrangler dev's proxy → front door → gateway (auth + rate-limit) → upstream
//   f. the upstream through its own wrangler dev proxy (e's reference: the same proxy in front of it)
// The rate limit is real (the RateLimiter Durable Object is asked on every request) but huge, so nothing is
// refused; every proxied request is also logged through the Queue into D1, as in production.
// Used by scripts/bench.mjs (`pnpm bench`, or `node scripts/bench.mjs --only gateway`).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { findWorkersEntry, ROOT, ROUTE_OVERRIDE_HEADER } from "../lib.mjs";
import { call, startBenchStack, waitFor } from "./stack.mjs";

/** The goal of issue 14: proxied req/s ≥ this × the upstream's directly (row c ÷ row a). */
export const GATEWAY_MIN_RATIO = 0.7;

const run = (opts) => new Promise((resolve, reject) => autocannon(opts, (err, result) => (err ? reject(err) : resolve(result))));

/** At most this share of answers may be other than 2xx (counted and shown), else the row fails. */
const MAX_FAILED_SHARE = 0.01;

/**
 * One row: a 2 s warm-up, then `seconds` of `connections`. Like measure.mjs, but a handful of failed answers
 * (on a loaded 2-core machine, wrangler dev's sockets now and then reset a connection under 50 connections: the
 * gateway answers 502) is counted and reported instead of failing the whole run.
 */
async function measureRow({ url, headers, connections, seconds }) {
  await run({ url, headers, connections, duration: 2 });
  const r = await run({ url, headers, connections, duration: seconds });
  const failed = r.requests.total - r["2xx"] + r.errors;
  if (failed > r.requests.total * MAX_FAILED_SHARE) throw new Error(`${url}: ${failed} of ${r.requests.total} answers were not 2xx`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, failed };
}

/**
 * A workspace whose two routes proxy to `upstream`: `/plain/*` bare, `/bench/*` behind auth + a huge rate limit.
 * The service keeps the default `retries: 1` (a GET that met a reset connection is sent again), as deployed.
 */
async function seed(origin, upstream) {
  const run = Date.now().toString(36);
  const { accessToken: token } = await call(origin, "/auth/v1/register", {
    json: { email: `bench-gateway-${run}@example.com`, password: "benchmark password" },
    expect: 201,
  });
  const slug = `bench-${run}`;
  await call(origin, "/gateway/v1/workspaces", { token, json: { slug, name: "Benchmark" }, expect: 201 });
  await call(origin, `/gateway/v1/workspaces/${slug}/config`, {
    token,
    method: "PUT",
    json: {
      services: [{ name: "upstream", algorithm: "round-robin", retries: 1, targets: [{ url: upstream }] }],
      routes: [
        { name: "plain", paths: ["/plain/*"], methods: ["GET"], service: "upstream" },
        {
          name: "bench",
          paths: ["/bench/*"],
          methods: ["GET"],
          service: "upstream",
          plugins: [
            { name: "auth", config: { methods: ["key"] } },
            { name: "rate-limit", config: { algorithm: "gcra", limit: 1_000_000, windowSeconds: 1, by: "consumer" } },
          ],
        },
      ],
      consumers: [{ username: "bench", groups: [] }],
    },
  });
  const { key } = await call(origin, `/gateway/v1/workspaces/${slug}/consumers/bench/keys`, { token, json: {}, expect: 201 });
  return { slug, key };
}

/**
 * Starts pnpm dev (its own port and state; console logs of the gateway at warn) and the baseline Worker in its own
 * wrangler dev, configures a workspace through the admin API and measures the six rows.
 */
export async function benchGateway({ seconds = 10, connections = 50, work } = {}) {
  const load = loadavg()[0];
  const dir = work ?? mkdtempSync(join(tmpdir(), "edgeworks-bench-gateway-"));
  mkdirSync(dir, { recursive: true });
  const stack = await startBenchStack({ dir, devVars: { gateway: { LOG_LEVEL: "warn" } }, env: { DEV_CRON_SECONDS: "0" } });
  const { origin, baseOrigin, dev, base, port, basePort } = stack;
  try {
    await waitFor(`${origin}/gateway/health`);
    const entry = await findWorkersEntry(dev.pid, { exclude: [port] });
    const baseEntry = await findWorkersEntry(base.pid, { exclude: [basePort], probeWorker: "edgeworks-bench-baseline" });
    if (!entry || !baseEntry) throw new Error("the Miniflare socket behind wrangler's proxy was not found (Linux only)");

    const { slug, key } = await seed(origin, baseEntry);
    const apikey = { apikey: key };
    const toGateway = { [ROUTE_OVERRIDE_HEADER]: "edgeworks-gateway" };
    // config takes effect within about a second; the first requests also start the Durable Objects (slow on a busy machine)
    await waitFor(`${entry}/gw/${slug}/bench/x`, { ms: 60_000, headers: { ...apikey, ...toGateway } });
    await waitFor(`${origin}/gw/${slug}/plain/x`, { ms: 60_000 });

    const rows = [];
    const row = async (letter, name, url, headers = {}) => {
      const m = await measureRow({ url, headers, connections, seconds });
      console.log(
        `gateway bench ${letter}. ${name}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms (${m.failed} of ${m.total} not 2xx)`,
      );
      rows.push({ letter, name, ...m });
    };
    await row("a", "upstream directly (bare Worker, its Miniflare socket)", `${baseEntry}/item`);
    await row("b", "gateway Worker directly, no plugins → upstream", `${entry}/gw/${slug}/plain/item`, toGateway);
    await row("c", "gateway Worker directly, auth (key) + rate-limit → upstream", `${entry}/gw/${slug}/bench/item`, {
      ...apikey,
      ...toGateway,
    });
    await row("d", "front door → gateway, auth + rate-limit → upstream (Miniflare socket)", `${entry}/gw/${slug}/bench/item`, apikey);
    await row(
      "e",
      "client view: wrangler dev proxy → front door → gateway, auth + rate-limit → upstream",
      `${origin}/gw/${slug}/bench/item`,
      apikey,
    );
    await row("f", "upstream through its own wrangler dev proxy (e's reference)", `${baseOrigin}/item`);
    return { config: { seconds, connections, load }, rows };
  } catch (error) {
    throw new Error(`${error.message}\n--- pnpm dev, last output:\n${stack.log().slice(-5000)}`);
  } finally {
    await stack.stop();
    if (!work) rmSync(dir, { recursive: true, force: true });
  }
}

/** The results as a Markdown section for bench/results.md. */
export function gatewayMarkdown(r) {
  const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "–");
  const by = (l) => r.rows.find((x) => x.letter === l);
  const [a, b, c, d, e, fRow] = ["a", "b", "c", "d", "e", "f"].map(by);
  const ref = (x) => (x.letter === "e" || x.letter === "f" ? fRow : a);
  const ratio = c.rps / a.rps;
  return [
    "## API gateway",
    "",
    `${new Date().toISOString()} · wrangler dev (\`pnpm dev\` itself, the gateway with the whole platform) and the bare baseline Worker ` +
      `in its own wrangler dev as the upstream · load average ${f(r.config.load)} on ${cpus().length} cores at the start · ` +
      `autocannon ${r.config.connections} connections, ${r.config.seconds} s per row after a 2 s warm-up.`,
    "",
    "The same upstream both ways: the bare Worker on the Miniflare socket behind its wrangler dev proxy, which the gateway reaches as a " +
      "loopback URL target (real TCP, allowed only under `pnpm dev`). Rows b-d are sent to pnpm dev's Miniflare socket " +
      "(`MF-Route-Override: edgeworks-gateway` for b and c), so only what stands in front of the upstream differs. " +
      "The rate limit asks the RateLimiter Durable Object on every request (a huge GCRA limit, nothing refused); every " +
      "proxied request is logged through the Queue into D1.",
    "",
    "| row | target | req/s | p50 ms | p99 ms | × reference req/s | p99 overhead ms | requests (not 2xx) |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...r.rows.map(
      (x) =>
        `| ${x.letter} | ${x.name} | ${f(x.rps, 0)} | ${x.p50} | ${x.p99} | ${f(x.rps / ref(x).rps, 2)} | ${x === ref(x) ? "–" : f(x.p99 - ref(x).p99, 0)} | ${x.total} (${x.failed}) |`,
    ),
    "",
    `**Proxied with auth + rate-limit (c ÷ a): ${f(ratio, 2)}× the upstream's req/s directly (goal ≥ ${GATEWAY_MIN_RATIO}: ` +
      `${ratio >= GATEWAY_MIN_RATIO ? "met" : "NOT met"}), p50 ${c.p50} vs ${a.p50} ms, p99 ${c.p99} vs ${a.p99} ms (+${f(c.p99 - a.p99, 0)} ms).** ` +
      `Without plugins (b ÷ a): ${f(b.rps / a.rps, 2)}×; with the front door (d ÷ a): ${f(d.rps / a.rps, 2)}×; ` +
      `as a client sees it through wrangler dev's proxy (e ÷ f): ${f(e.rps / fRow.rps, 2)}×.`,
    "",
  ].join("\n");
}

/** Replaces the "## API gateway" section of bench/results.md (or appends it), keeping everything else. */
export function writeGatewaySection(section) {
  const file = join(ROOT, "bench", "results.md");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const start = current.indexOf("## API gateway");
  if (start === -1) return writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
  const after = current.indexOf("\n## ", start + 1);
  writeFileSync(file, `${current.slice(0, start)}${section}${after === -1 ? "" : current.slice(after + 1)}`);
}

// `node scripts/bench/gateway.mjs [seconds] [connections]` runs this part alone and prints the section.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [seconds, connections] = process.argv.slice(2).map(Number);
  const r = await benchGateway({ seconds: seconds || undefined, connections: connections || undefined });
  console.log(gatewayMarkdown(r));
}
