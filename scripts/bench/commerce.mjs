// Commerce (issue 12): the seven commerce services under `pnpm dev` itself (scripts/dev.mjs: one wrangler dev with
// the front door and every Worker, the Stripe stand-in, crons), next to the bare baseline Worker in its own
// wrangler dev, in the same run.
// 1. Orders per second end to end: N buyers (one account each) in concurrent loops of "POST /commerce/v1/orders
//    (fresh Idempotency-Key, one unit, pm_card_visa) → 202 pending, then GET /commerce/v1/orders/{id} every 50 ms
//    until confirmed" — order.created → catalog reserves → inventory.reserved → orders → PAYMENTS.charge at the
//    stand-in → payment.succeeded → orders confirms; every hop a D1 batch with its outbox and a local Queue.
//    Timed from the POST to the first GET that reads `confirmed`.
// 2. The gateway's overhead: the same authenticated read (GET /commerce/v1/products/{id}) with autocannon
//    a. through the front door (wrangler's dev proxy → edge → gateway → catalog), as a client sees it;
//    b-d. on the Miniflare socket behind wrangler's proxy, addressed by Worker name (scripts/lib.mjs
//       findWorkersEntry): b. the front door (edge → gateway → catalog), c. the gateway (→ catalog),
//       d. the catalog service directly — the same Worker, database and product, only the hops differ.
//    The gateway's overhead is c ÷ d (auth, per-consumer rate limit through the RateLimiter Durable Object,
//    registry, one service-binding hop); the bare Worker (e) on its own socket the same way is the ceiling.
// Used by scripts/bench.mjs (`pnpm bench`, or `node scripts/bench.mjs --only commerce`).
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { findWorkersEntry, ROOT, ROUTE_OVERRIDE_HEADER } from "../lib.mjs";
import { measure } from "./measure.mjs";
import { call, startBenchStack, waitFor } from "./stack.mjs";

const PASSWORD = "benchmark password";
const STOCK = 1_000_000;

/** A registered, verified user (accounts' dev outbox, DEV_MODE under pnpm dev). */
async function register(origin, email) {
  const s = await call(origin, "/auth/v1/register", { json: { email, password: PASSWORD }, expect: 201 });
  for (let i = 0; i < 200; i++) {
    const { items } = await call(origin, `/auth/v1/dev/outbox?to=${encodeURIComponent(email)}`);
    const mail = items.find((m) => m.kind === "email_verification");
    if (mail) {
      await call(origin, "/auth/v1/email/verify", { token: s.accessToken, json: { token: mail.payload.token } });
      return s;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no verification email to ${email}`);
}

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;

/**
 * Starts pnpm dev (its own port, state and Stripe stand-in; the gateway's per-consumer limit raised so the load is
 * not refused, console logs of the commerce services at warn) and a baseline wrangler dev, seeds through the API,
 * measures. `seconds` per row after a 2 s warm-up.
 */
export async function benchCommerce({ seconds = 10, connections = 10, buyers = 20, work }) {
  const load = loadavg()[0];
  const dir = work ?? mkdtempSync(join(tmpdir(), "edgeworks-bench-commerce-"));
  mkdirSync(dir, { recursive: true });
  const quiet = Object.fromEntries(
    ["gateway", "users", "catalog", "cart", "orders", "payments", "notifications"].map((s) => [`commerce-${s}`, { LOG_LEVEL: "warn" }]),
  );
  quiet["commerce-gateway"].COMMERCE_RATE_LIMIT_PER_MINUTE = "100000000";
  const run = Date.now().toString(36);
  const rootEmail = `bench-commerce-root-${run}@example.com`;
  quiet.accounts = { ADMIN_EMAILS: rootEmail };
  const stack = await startBenchStack({ dir, devVars: quiet });
  const { origin, baseOrigin, dev, base, port, basePort } = stack;
  try {
    await waitFor(`${origin}/commerce/v1/health`);
    const entry = await findWorkersEntry(dev.pid, { exclude: [port] });
    const baseEntry = await findWorkersEntry(base.pid, { exclude: [basePort], probeWorker: "edgeworks-bench-baseline" });
    if (!entry || !baseEntry) throw new Error("the Miniflare socket behind wrangler's proxy was not found (Linux only)");

    // seed: a commerce:admin (granted by the ADMIN_EMAILS root admin), a product with plenty of stock, the buyers
    const rootSession = await register(origin, rootEmail).then(() =>
      call(origin, "/auth/v1/login", { json: { email: rootEmail, password: PASSWORD } }),
    );
    const admin = await register(origin, `bench-commerce-admin-${run}@example.com`);
    await call(origin, `/auth/v1/admin/users/${admin.user.id}/roles/commerce:admin`, { method: "PUT", token: rootSession.accessToken });
    const adminToken = (await call(origin, "/auth/v1/refresh", { json: { refreshToken: admin.refreshToken } })).accessToken;
    const product = await call(origin, "/commerce/v1/products", {
      token: adminToken,
      headers: { "Idempotency-Key": randomUUID() },
      json: { sku: `BENCH-${run}`, name: "Benchmark kettle", unitAmount: 1299, currency: "usd", stock: STOCK },
      expect: 201,
    });
    const people = [];
    for (let i = 0; i < buyers; i++) people.push((await register(origin, `bench-commerce-${run}-${i}@example.com`)).accessToken);
    const token = people[0];

    // 2. the same read, four ways, and the ceiling
    const path = `/commerce/v1/products/${product.id}`;
    const auth = { Authorization: `Bearer ${token}` };
    const rows = [];
    const row = async (name, url, headers) => rows.push({ name, ...(await measure({ url, headers, connections, seconds })) });
    await row("e. bare baseline Worker (fixed 200), its own Miniflare socket", `${baseEntry}/`, {
      [ROUTE_OVERRIDE_HEADER]: "edgeworks-bench-baseline",
    });
    await row("a. through the front door (wrangler dev proxy → edge → gateway → catalog)", `${origin}${path}`, auth);
    await row("b. front door on the Miniflare socket (edge → gateway → catalog)", `${entry}${path}`, auth);
    await row("c. gateway directly (gateway → catalog)", `${entry}${path}`, {
      ...auth,
      [ROUTE_OVERRIDE_HEADER]: "edgeworks-commerce-gateway",
    });
    await row("d. catalog service directly", `${entry}${path}`, { ...auth, [ROUTE_OVERRIDE_HEADER]: "edgeworks-commerce-catalog" });
    await row("bare baseline Worker through wrangler dev's proxy", `${baseOrigin}/`, {});

    // 1. orders end to end, timed by the services' own clocks (createdAt → updatedAt of the confirmed order, the
    // same machine), so the polling interval does not blur it; counted when confirmed inside the window
    const warmup = 5;
    const window = Math.max(seconds * 3, 30);
    const tStart = Date.now() + warmup * 1000;
    const tEnd = tStart + window * 1000;
    const latencies = [];
    const errors = {};
    let placed = 0;
    let confirmedAll = 0;
    let polls = 0;
    await Promise.all(
      people.map(async (buyer) => {
        while (Date.now() < tEnd) {
          try {
            const order = await call(origin, "/commerce/v1/orders", {
              token: buyer,
              headers: { "Idempotency-Key": randomUUID() },
              json: { items: [{ productId: product.id, quantity: 1 }], paymentMethod: "pm_card_visa" },
              expect: 202,
            });
            placed++;
            const t = Date.now();
            for (;;) {
              await new Promise((r) => setTimeout(r, 250));
              polls++;
              const now = await call(origin, `/commerce/v1/orders/${order.id}`, { token: buyer });
              if (now.status === "confirmed") {
                confirmedAll++;
                const at = Date.parse(now.updatedAt);
                if (at >= tStart && at < tEnd) latencies.push(at - Date.parse(now.createdAt));
                break;
              }
              if (now.status === "cancelled") throw new Error(`order cancelled: ${now.cancelReason}`);
              if (Date.now() - t > 180_000) throw new Error("not confirmed in 180 s");
            }
          } catch (err) {
            const key = String(err.message).slice(0, 160);
            errors[key] = (errors[key] ?? 0) + 1;
            if (Object.values(errors).reduce((x, y) => x + y, 0) > 50) throw err;
          }
        }
      }),
    );
    const sorted = Float64Array.from(latencies).sort();
    const reconcile = await call(origin, "/commerce/v1/admin/reconcile", { token: adminToken });
    return {
      config: { buyers, seconds, window, warmup, connections, load },
      rows,
      orders: {
        perSecond: sorted.length / window,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
        confirmed: sorted.length,
        placed,
        confirmedAll,
        polls,
        errors,
      },
      reconcile: { orders: reconcile.orders, totalDifference: reconcile.totalDifference },
    };
  } finally {
    await stack.stop();
    if (!work) rmSync(dir, { recursive: true, force: true });
  }
}

/** The results as a Markdown section for bench/results.md. */
export function commerceMarkdown(r) {
  const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "–");
  const byLetter = (l) => r.rows.find((x) => x.name.startsWith(`${l}.`));
  const [a, b, c, d, e] = ["a", "b", "c", "d", "e"].map(byLetter);
  const errs =
    Object.entries(r.orders.errors)
      .map(([k, v]) => `${k} (${v})`)
      .join("; ") || "none";
  return [
    "## Commerce",
    "",
    `${new Date().toISOString()} · wrangler dev (\`pnpm dev\` itself: scripts/dev.mjs, the seven commerce services with the platform) · ` +
      `load average ${r.config.load.toFixed(1)} on ${cpus().length} cores at the start · autocannon ${r.config.connections} connections, ` +
      `${r.config.seconds} s per row after a 2 s warm-up · the gateway's per-consumer limit raised for the run (DEV_VARS), ` +
      "console logs of the commerce services at warn (the log sink still receives every entry).",
    "",
    "Gateway overhead: `GET /commerce/v1/products/{id}` (Bearer token, one product), the same Worker, database and product each time;",
    "b-e are sent to the Miniflare socket behind wrangler's dev proxy with `MF-Route-Override: <Worker name>`, so only the hops differ.",
    "",
    "| target | req/s | p50 ms | p99 ms | × catalog directly (req/s) | × catalog p99 |",
    "|---|---:|---:|---:|---:|---:|",
    ...r.rows.map(
      (x) => `| ${x.name} | ${f(x.rps, 0)} | ${x.p50} | ${x.p99} | ${f(x.rps / d.rps, 2)} | ${f(x.p99 / Math.max(d.p99, 1), 2)} |`,
    ),
    "",
    `**The gateway's overhead (c ÷ d): ${f(c.rps / d.rps, 2)}× the catalog's req/s directly, p99 ${f(c.p99 / Math.max(d.p99, 1), 2)}×;** ` +
      `edge + gateway (b ÷ d): ${f(b.rps / d.rps, 2)}×; as a client sees it through wrangler dev (a ÷ d): ${f(a.rps / d.rps, 2)}×. ` +
      `The catalog directly reaches ${f(d.rps / e.rps, 3)}× the bare Worker's req/s.`,
    "",
    `Orders end to end: ${r.config.buyers} buyers in concurrent loops of "POST /commerce/v1/orders (fresh Idempotency-Key, 1 unit, pm_card_visa) → ` +
      `GET the order every 250 ms until confirmed", ${r.config.window} s after a ${r.config.warmup} s warm-up; latency by the services' clocks ` +
      "(the order's createdAt → its updatedAt when confirmed), counted when confirmed inside the window.",
    "",
    "| orders confirmed/s | p50 ms | p99 ms | max ms | confirmed in the window | placed / confirmed (all) | polls | errors | reconcile afterwards |",
    "|---:|---:|---:|---:|---:|---:|---:|---|---|",
    `| ${f(r.orders.perSecond, 2)} | ${f(r.orders.p50, 0)} | ${f(r.orders.p99, 0)} | ${f(r.orders.max, 0)} | ${r.orders.confirmed} | ${r.orders.placed} / ${r.orders.confirmedAll} | ${r.orders.polls} | ${errs} | ${r.reconcile.orders} orders, total difference ${r.reconcile.totalDifference} |`,
    "",
  ].join("\n");
}

/** Replaces the "## Commerce" section of bench/results.md (or appends it), keeping everything else. */
export function writeCommerceSection(section) {
  const file = join(ROOT, "bench", "results.md");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const start = current.indexOf("## Commerce");
  if (start === -1) return writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
  const after = current.indexOf("\n## ", start + 1);
  writeFileSync(file, `${current.slice(0, start)}${section}${after === -1 ? "" : current.slice(after + 1)}`);
}
