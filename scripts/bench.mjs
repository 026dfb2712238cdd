// `pnpm bench`: starts the stack, seeds a user with 50 todos, and measures requests/s and p50/p99
// with autocannon for each target next to a bare baseline Worker, in the same run, in two setups:
//   lean        production bundles served by Miniflare's API (workerd, no dev proxy, no logging)
//   wrangler    `pnpm dev` itself (wrangler dev, request logging off)
// Prints a table with each row's ratio to its setup's baseline and writes bench/results.md.
// Then, in the lean setup, chat fan-out (scripts/bench/chat-fanout.mjs): one room, 200 sockets, 50 messages/s,
// next to a plain Node `ws` broadcast server; its section of bench/results.md is replaced on its own.
// Then shop checkout (scripts/bench/shop.mjs): 50 buyers adding to cart and checking out, next to the bare Worker.
// Then commerce (scripts/bench/commerce.mjs), under `pnpm dev` itself: orders per second end to end (placed →
// confirmed) and the gateway's overhead (the same read through the gateway and to the catalog service directly).
// Then jobs (scripts/bench/jobs.mjs), under `pnpm dev`: no-op jobs end to end and enqueue latency next to BullMQ on redis-server.
// Then the API gateway (scripts/bench/gateway.mjs), under `pnpm dev`: a proxied request (auth + rate limit) next to
// the same upstream Worker called directly, at 50 connections (the load, whatever --connections says).
// Usage: node scripts/bench.mjs [--seconds 10] [--connections 10] [--chat-seconds 15] [--only lean|wrangler|chat|shop|commerce|jobs|gateway]
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { benchChatFanout, fanoutMarkdown, writeFanoutSection } from "./bench/chat-fanout.mjs";
import { benchCommerce, commerceMarkdown, writeCommerceSection } from "./bench/commerce.mjs";
import { benchGateway, gatewayMarkdown, writeGatewaySection } from "./bench/gateway.mjs";
import { benchJobs, jobsMarkdown, writeJobsSection } from "./bench/jobs.mjs";
import { buildBundles, startLean } from "./bench/lean.mjs";
import { measure } from "./bench/measure.mjs";
import { benchShop, shopMarkdown, writeShopSection } from "./bench/shop.mjs";
import { ROOT, spawnWrangler, workerConfigs } from "./lib.mjs";
import { migrateAll } from "./migrate.mjs";
import "./prepare.mjs";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "10" },
    only: { type: "string" },
    "chat-seconds": { type: "string", default: "15" },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

/** Targets: each must reach `minRatio` × the baseline's requests/s and at most `maxP99Ratio` × its p99. */
const TARGETS = [
  { name: "GET /health through the front door", path: () => "/health", minRatio: 0.7, maxP99Ratio: 2 },
  {
    name: "GET /todo/v1/todos?limit=50 (authenticated, 50 todos)",
    path: () => "/todo/v1/todos?limit=50",
    auth: true,
    minRatio: 0.4,
    maxP99Ratio: 2,
  },
  { name: "GET /{slug}: redirect of a cached link, front door", path: (s) => `/${s.slug}`, expect: "3xx", minRatio: 0.8, maxP99Ratio: 1.5 },
  {
    name: "GET /{slug}: redirect of a cached link, links Worker directly",
    path: (s) => `/${s.slug}`,
    expect: "3xx",
    direct: "links",
    minRatio: 0.8,
    maxP99Ratio: 1.5,
  },
  // Context, no goal: the cheapest Worker that reads D1 at all (one `SELECT 1`), measured like the others.
  { name: "context: a bare Worker doing one D1 `SELECT 1`", path: () => "/", floor: true },
];

const signingKey = () => {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return JSON.stringify([{ ...privateKey.export({ format: "jwk" }), kid: "bench", alg: "ES256", use: "sig" }]);
};

async function seed(url) {
  const post = (path, body, token) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const res = await post("/auth/v1/register", { email: `bench-${Date.now()}@example.com`, password: "benchmark password" });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const { accessToken } = await res.json();
  for (let i = 0; i < 50; i++) {
    const r = await post(
      "/todo/v1/todos",
      { title: `Todo number ${i}`, description: "Benchmark data", tags: ["bench", `t${i % 5}`], priority: "high" },
      accessToken,
    );
    if (r.status !== 201) throw new Error(`seeding todos failed: ${r.status} ${await r.text()}`);
  }
  const link = await post("/links/v1/links", { url: "https://example.com/landing?ref=bench" }, accessToken);
  if (link.status !== 201) throw new Error(`creating a link failed: ${link.status} ${await link.text()}`);
  const { slug } = await link.json();
  await fetch(`${url}/${slug}`, { redirect: "manual" }); // the first redirect fills the KV cache
  return { token: accessToken, slug };
}

async function measureSetup(setup, urls, seeded) {
  const rows = [];
  const base = await measure({ url: `${urls.baseline}/`, connections, seconds });
  rows.push({ setup, name: "baseline Worker (fixed 200)", ...base });
  for (const t of TARGETS) {
    const origin = t.floor ? urls.floor : t.direct ? urls.direct?.[t.direct] : urls.stack;
    if (!origin) continue; // wrangler dev has one socket, the front door's
    const headers = t.auth ? { Authorization: `Bearer ${seeded.token}` } : {};
    const m = await measure({ url: `${origin}${t.path(seeded)}`, headers, connections, seconds, expect: t.expect });
    rows.push({
      setup,
      name: t.name,
      ...m,
      ratio: m.rps / base.rps,
      p99Ratio: m.p99 / Math.max(base.p99, 1),
      target: t.minRatio ? t : undefined,
      context: !t.minRatio,
    });
  }
  return rows;
}

async function waitFor(url) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

function startWranglerDev(port, inspectorPort, persistTo, extra) {
  const child = spawnWrangler(
    [
      "dev",
      ...extra,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port", // two dev servers run side by side: each needs its own
      String(inspectorPort),
      "--persist-to",
      persistTo,
      "--log-level",
      "error",
      "--show-interactive-dev-session=false",
    ],
    { stdio: "ignore", detached: true },
  );
  return () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
}

const work = mkdtempSync(join(tmpdir(), "edgeworks-bench-"));
const rows = [];
const stops = [];
let chat;
let shop;
let commerce;
let jobs;
let gatewayResult;
try {
  if (values.only !== "wrangler" && values.only !== "commerce" && values.only !== "jobs" && values.only !== "gateway") {
    console.log("building bundles…");
    const bundles = buildBundles(join(work, "dist"));
    const persistTo = join(work, "lean-state");
    migrateAll({ persistTo, quiet: true });
    const lean = await startLean({ bundles, persistTo, secrets: { accounts: { JWT_PRIVATE_KEYS: signingKey(), DEV_MODE: "false" } } });
    stops.push(lean.dispose);
    if (values.only !== "chat" && values.only !== "shop") {
      const seeded = await seed(lean.stackUrl);
      console.log("measuring lean setup…");
      rows.push(
        ...(await measureSetup(
          "lean (Miniflare API)",
          { baseline: lean.baselineUrl, floor: lean.floorUrl, stack: lean.stackUrl, direct: lean.direct },
          seeded,
        )),
      );
    }
    if (values.only === undefined || values.only === "chat") {
      console.log("measuring chat fan-out (lean setup)…");
      chat = await benchChatFanout({
        targets: [
          { name: "chat Worker directly", origin: lean.direct.chat },
          { name: "chat through the front door", origin: lean.stackUrl },
        ],
        authOrigin: lean.stackUrl,
        seconds: Number(values["chat-seconds"]),
      });
    }
    await lean.dispose();
    stops.pop();
    if (values.only === undefined || values.only === "shop") {
      console.log("measuring shop checkout (lean setup)…");
      shop = await benchShop({ bundles, work, seconds });
    }
  }
  if (values.only === undefined || values.only === "wrangler") {
    const persistTo = join(work, "dev-state");
    migrateAll({ persistTo, quiet: true });
    const devPort = 18787;
    const basePort = 18788;
    stops.push(
      startWranglerDev(devPort, devPort + 10, persistTo, [
        ...workerConfigs().flatMap((w) => ["-c", relative(ROOT, w.config)]),
        "--var",
        "LOG_LEVEL:silent",
      ]),
    );
    stops.push(startWranglerDev(basePort, basePort + 10, join(work, "base-state"), ["-c", "scripts/bench/baseline.wrangler.toml"]));
    await Promise.all([waitFor(`http://127.0.0.1:${devPort}/health`), waitFor(`http://127.0.0.1:${basePort}/`)]);
    const seeded = await seed(`http://127.0.0.1:${devPort}`);
    console.log("measuring wrangler dev setup…");
    rows.push(
      ...(await measureSetup("wrangler dev", { baseline: `http://127.0.0.1:${basePort}`, stack: `http://127.0.0.1:${devPort}` }, seeded)),
    );
  }
  if (values.only === undefined || values.only === "commerce") {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
    console.log("measuring commerce (pnpm dev)…");
    commerce = await benchCommerce({ seconds, connections, work: join(work, "commerce") });
  }
  if (values.only === undefined || values.only === "jobs") {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
    console.log("measuring jobs (pnpm dev) and BullMQ (redis-server)…");
    jobs = await benchJobs({ work: join(work, "jobs") });
  }
  if (values.only === undefined || values.only === "gateway") {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
    console.log("measuring the API gateway (pnpm dev): proxied vs the upstream directly…");
    gatewayResult = await benchGateway({ seconds, connections: 50, work: join(work, "gateway") });
  }
} finally {
  for (const stop of stops.reverse()) await stop();
  rmSync(work, { recursive: true, force: true });
}

const fmt = (n, d = 0) => n.toFixed(d);
const lines = [
  "| setup | target | req/s | p50 ms | p99 ms | × baseline req/s | × baseline p99 | goal | met |",
  "|---|---|---:|---:|---:|---:|---:|---|---|",
  ...rows.map((r) => {
    if (r.context)
      return `| ${r.setup} | ${r.name} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${fmt(r.ratio, 2)} | ${fmt(r.p99Ratio, 2)} | (context) | |`;
    if (!r.target) return `| ${r.setup} | ${r.name} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | 1.00 | 1.00 | ceiling | |`;
    const met = r.ratio >= r.target.minRatio && r.p99Ratio <= r.target.maxP99Ratio;
    return `| ${r.setup} | ${r.name} | ${fmt(r.rps)} | ${r.p50} | ${r.p99} | ${fmt(r.ratio, 2)} | ${fmt(r.p99Ratio, 2)} | ≥ ${r.target.minRatio}×, p99 ≤ ${r.target.maxP99Ratio}× | ${met ? "yes" : "NO"} |`;
  }),
];
const header = `# Benchmark results\n\n${new Date().toISOString()} · ${cpus().length} cores (${cpus()[0]?.model ?? "?"}) · Node ${process.version} · autocannon ${connections} connections, ${seconds} s per row after a 2 s warm-up.\nRatios are against the baseline Worker measured in the same setup and the same run.\n\n`;
const table = `${lines.join("\n")}\n`;
const reading = `
Reading this table:
- "lean" serves the same minified bundles \`wrangler deploy\` would upload, through Miniflare's API, each Worker
  on its own socket (no dev proxy, no request logging); "wrangler dev" is \`pnpm dev\` itself, whose proxy caps
  even the bare Worker at a few thousand requests/s.
- Latencies are whole milliseconds (autocannon), so a lean p99 of 0-2 ms cannot be told apart; p99 ratios
  divide by at least 1 ms.
- The context row is the cheapest possible D1 reader (one \`SELECT 1\`): every row that reads D1 is bounded by
  it, which is why the todo list cannot reach 0.4× of a Worker that does no I/O on local D1.
- A front-door row pays one service-binding hop to the product Worker; the "directly" row is the same Worker
  on its own socket, as on a short-link custom domain in production.
`;
mkdirSync(join(ROOT, "bench"), { recursive: true });
if (values.only === undefined || values.only === "lean" || values.only === "wrangler") {
  console.log(`\n${table}`);
  writeFileSync(join(ROOT, "bench", "results.md"), header + table + reading);
}
if (chat) {
  const section = fanoutMarkdown(chat, "lean (Miniflare API)");
  console.log(`\n${section}`);
  writeFanoutSection(section);
}
if (shop) {
  const section = shopMarkdown(shop, "lean (Miniflare API)");
  console.log(`\n${section}`);
  writeShopSection(section);
}
if (commerce) {
  const section = commerceMarkdown(commerce);
  console.log(`\n${section}`);
  writeCommerceSection(section);
}
if (jobs) {
  const section = jobsMarkdown(jobs);
  console.log(`\n${section}`);
  writeJobsSection(section);
}
if (gatewayResult) {
  const section = gatewayMarkdown(gatewayResult);
  console.log(`\n${section}`);
  writeGatewaySection(section);
}
console.log("written to bench/results.md");
