// Jobs (issue 13): the jobs product under `pnpm dev` itself (scripts/dev.mjs: wrangler dev with the front door, the
// jobs Worker, its scheduler Durable Objects and the local Cloudflare Queue), next to BullMQ 6 on a local
// redis-server and the bare baseline Worker in its own wrangler dev, in the same run.
// 1. Throughput end to end: N no-op jobs (`test.sleep {ms: 0}`, run by the built-in Queues consumer) submitted in
//    bulk (1000 per call) to a queue of concurrency C, timed from the first submit until the queue counts N
//    completed (polled every 50 ms). BullMQ: the same N jobs `addBulk`ed to a Queue whose Worker (concurrency C,
//    a no-op processor) runs in this process, timed until its N-th `completed` event.
// 2. Enqueue latency: S sequential single submits (`POST /jobs/v1/queues/{q}/jobs`) to a paused queue, timed at
//    the client, next to S sequential `queue.add()` of BullMQ (no Worker) and S sequential GETs of the bare Worker
//    through wrangler dev's proxy (the floor of any request to wrangler dev).
// redis-server: installed with apt-get if missing, started on a free port with no persistence, stopped after.
// Used by scripts/bench.mjs (`pnpm bench`, or `node scripts/bench.mjs --only jobs`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, ROOT } from "../lib.mjs";
import { call, startBenchStack, stopGroup, waitFor } from "./stack.mjs";

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;
const stats = (samples) => {
  const sorted = Float64Array.from(samples).sort();
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(sorted.length, 1),
  };
};

/** redis-server on a free port, no RDB/AOF; apt-get installs it first when it is missing. */
export async function startRedis(dir) {
  if (spawnSync("sh", ["-c", "command -v redis-server"]).status !== 0) {
    console.log("installing redis-server (apt-get)…");
    const install = spawnSync("sh", ["-c", "apt-get install -y redis-server || (apt-get update && apt-get install -y redis-server)"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (install.status !== 0) throw new Error("apt-get install redis-server failed (root and a package mirror are needed)");
  }
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: "ignore",
    detached: true,
  });
  const version = spawnSync("redis-server", ["--version"], { encoding: "utf8" }).stdout.match(/v=(\S+)/)?.[1] ?? "?";
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const socket = createServer().listen(port, "127.0.0.1", () => socket.close(() => resolve(false)));
      socket.on("error", () => resolve(true)); // taken: redis is listening
    });
    if (up) return { port, version, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("redis-server did not start");
}

/** BullMQ: N no-op jobs through a Worker of `concurrency`, then S sequential adds to a queue without a Worker. */
export async function benchBullmq({ port, n, concurrency, samples }) {
  const require = createRequire(join(ROOT, "packages", "jobs-client", "package.json"));
  const { Queue, Worker } = require("bullmq");
  const version = require("bullmq/package.json").version;
  const connection = { host: "127.0.0.1", port, maxRetriesPerRequest: null };
  const queue = new Queue("bench-throughput", { connection });
  const latencyQueue = new Queue("bench-latency", { connection });
  let completed = 0;
  let allDone;
  const finished = new Promise((resolve) => {
    allDone = resolve;
  });
  const worker = new Worker("bench-throughput", async () => null, { connection, concurrency });
  worker.on("completed", () => {
    if (++completed === n + 100) allDone();
  });
  try {
    await worker.waitUntilReady();
    await queue.addBulk(Array.from({ length: 100 }, () => ({ name: "noop", data: { ms: 0 } }))); // warm-up
    while (completed < 100) await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1000)
      await queue.addBulk(Array.from({ length: Math.min(1000, n - i) }, () => ({ name: "noop", data: { ms: 0 } })));
    await finished;
    const seconds = (performance.now() - t0) / 1000;
    const latencies = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await latencyQueue.add("noop", { ms: 0 });
      latencies.push(performance.now() - t);
    }
    return { version, perSecond: n / seconds, seconds, enqueue: stats(latencies) };
  } finally {
    await worker.close();
    await queue.close();
    await latencyQueue.close();
  }
}

/** The jobs product under pnpm dev: N test.sleep {ms: 0} jobs end to end, then S sequential single submits. */
async function benchProduct({ origin, baseOrigin, n, concurrency, samples }) {
  const email = `bench-jobs-${Date.now().toString(36)}@example.com`;
  const { accessToken: token } = await call(origin, "/auth/v1/register", { json: { email, password: "benchmark password" } });
  const queue = await call(origin, "/jobs/v1/queues", {
    token,
    json: { name: "bench-throughput", concurrency, retention: { completed: { count: 1_000_000 } } }, // keep them all, as BullMQ does
  });
  const paused = await call(origin, "/jobs/v1/queues", { token, json: { name: "bench-latency", paused: true } });
  const completedCount = async () => (await call(origin, `/jobs/v1/queues/${queue.id}`, { token })).counts.completed;
  const submitBulk = (count) =>
    call(origin, `/jobs/v1/queues/${queue.id}/jobs/bulk`, {
      token,
      json: { jobs: Array.from({ length: count }, () => ({ name: "test.sleep", payload: { ms: 0 } })) },
    });
  const until = async (target, ms) => {
    const deadline = Date.now() + ms;
    let lastReport = Date.now();
    for (;;) {
      const done = await completedCount();
      if (done >= target) return;
      if (Date.now() > deadline) throw new Error(`jobs: ${done} of ${target} completed after ${ms / 1000} s`);
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        console.log(`jobs: ${done} of ${target} completed`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await submitBulk(100); // warm-up: the scheduler object, the consumer, the handlers' code paths
  await until(100, 120_000);
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1000) await submitBulk(Math.min(1000, n - i));
  await until(n + 100, 600_000);
  const seconds = (performance.now() - t0) / 1000;

  const time = async (fn) => {
    const out = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await fn();
      out.push(performance.now() - t);
    }
    return out;
  };
  const enqueue = await time(() =>
    call(origin, `/jobs/v1/queues/${paused.id}/jobs`, { token, json: { name: "test.sleep", payload: { ms: 0 } } }),
  );
  const floor = await time(() => call(baseOrigin, "/"));
  return { perSecond: n / seconds, seconds, enqueue: stats(enqueue), floor: stats(floor) };
}

/**
 * Starts pnpm dev (its own port and state; the jobs Worker's per-user write limit raised and its console logs at
 * warn), a baseline wrangler dev and redis-server, and measures both queues the same way.
 */
export async function benchJobs({ n = 2000, concurrency = 50, samples = 300, work } = {}) {
  const load = loadavg()[0];
  const dir = work ?? mkdtempSync(join(tmpdir(), "edgeworks-bench-jobs-"));
  mkdirSync(join(dir, "redis"), { recursive: true });
  const stack = await startBenchStack({
    dir,
    devVars: { jobs: { WRITE_RATE_LIMIT_PER_MINUTE: "100000000", LOG_LEVEL: "warn" } },
  });
  const { origin, baseOrigin } = stack;
  const log = () => stack.log();
  let redis;
  try {
    redis = await startRedis(join(dir, "redis"));
    const bullmq = await benchBullmq({ port: redis.port, n, concurrency, samples });
    await waitFor(`${origin}/jobs/health`);
    const product = await benchProduct({ origin, baseOrigin, n, concurrency, samples }).catch((e) =>
      Promise.reject(new Error(`${e.message}\n--- pnpm dev, last output:\n${log().slice(-5000)}`)),
    );
    return { config: { n, concurrency, samples, load, redis: redis.version }, product, bullmq };
  } finally {
    await Promise.all([stack.stop(), stopGroup(redis?.child)]);
    if (!work) rmSync(dir, { recursive: true, force: true });
  }
}

/** The results as a Markdown section for bench/results.md. */
export function jobsMarkdown(r) {
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "–");
  const { product: p, bullmq: b, config: c } = r;
  return [
    "## Jobs",
    "",
    `${new Date().toISOString()} · ${cpus().length} cores, load average ${f(c.load)} at the start · the jobs product under wrangler dev ` +
      `(\`pnpm dev\` itself: front door → jobs Worker → its scheduler Durable Object → the local Cloudflare Queue → the built-in ` +
      `consumer) next to BullMQ ${b.version} on redis-server ${c.redis} (no persistence, same machine), in the same run.`,
    "",
    `Throughput: ${c.n} no-op jobs submitted in bulk (1000 per call; \`test.sleep {ms: 0}\` / a BullMQ processor that returns null), ` +
      `queue concurrency ${c.concurrency} / Worker concurrency ${c.concurrency}, timed from the first submit to the last completion, after 100 warm-up jobs.`,
    "",
    "| system | jobs/s end to end | seconds | × BullMQ |",
    "|---|---:|---:|---:|",
    `| jobs product (wrangler dev) | ${f(p.perSecond)} | ${f(p.seconds, 2)} | ${f(p.perSecond / b.perSecond, 3)} |`,
    `| BullMQ ${b.version} + redis-server ${c.redis} | ${f(b.perSecond)} | ${f(b.seconds, 2)} | 1.000 |`,
    "",
    `Enqueue latency: ${c.samples} sequential single submits, timed at the client (ms): \`POST /jobs/v1/queues/{q}/jobs\` to a paused ` +
      "queue through the front door, `queue.add()` of BullMQ (no Worker), and a GET of the bare baseline Worker through wrangler dev's proxy (the floor).",
    "",
    "| enqueue | p50 ms | p99 ms | max ms | mean ms | p99 × BullMQ |",
    "|---|---:|---:|---:|---:|---:|",
    `| jobs product: POST …/jobs | ${f(p.enqueue.p50, 2)} | ${f(p.enqueue.p99, 2)} | ${f(p.enqueue.max, 2)} | ${f(p.enqueue.mean, 2)} | ${f(p.enqueue.p99 / b.enqueue.p99, 1)} |`,
    `| BullMQ: queue.add() | ${f(b.enqueue.p50, 2)} | ${f(b.enqueue.p99, 2)} | ${f(b.enqueue.max, 2)} | ${f(b.enqueue.mean, 2)} | 1.0 |`,
    `| floor: bare Worker GET via wrangler dev | ${f(p.floor.p50, 2)} | ${f(p.floor.p99, 2)} | ${f(p.floor.max, 2)} | ${f(p.floor.mean, 2)} | ${f(p.floor.p99 / b.enqueue.p99, 1)} |`,
    "",
  ].join("\n");
}

/** Replaces the "## Jobs" section of bench/results.md (or appends it), keeping everything else. */
export function writeJobsSection(section) {
  const file = join(ROOT, "bench", "results.md");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const start = current.indexOf("## Jobs");
  if (start === -1) return writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
  const after = current.indexOf("\n## ", start + 1);
  writeFileSync(file, `${current.slice(0, start)}${section}${after === -1 ? "" : current.slice(after + 1)}`);
}

// `node scripts/bench/jobs.mjs [n] [concurrency]` runs this part alone and prints the section.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, concurrency] = process.argv.slice(2).map(Number);
  const r = await benchJobs({ n: n || undefined, concurrency: concurrency || undefined });
  console.log(jobsMarkdown(r));
}
