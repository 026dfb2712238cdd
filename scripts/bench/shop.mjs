// Shop checkout: 50 buyers, each its own account, loop "add one unit to my cart, then check out" against
// the shop Worker (production bundle, lean setup) with the Stripe stand-in on a local port; only the
// checkout call (POST /shop/v1/checkout with a fresh Idempotency-Key: re-price, order + lines, stock hold
// transfer, PaymentIntent at the fake) is timed. The bare baseline Worker is driven by the same harness with
// 50 concurrent loops in the same run, for the ratios. The catalog is made through the API by a shop admin
// (an ADMIN_EMAILS root admin, verified through the dev outbox, grants `shop:admin` through accounts' admin API).
// Used by scripts/bench.mjs (`pnpm bench`, or `pnpm bench --only shop` for this part alone).
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startStripeFake } from "../../packages/stripe-fake/src/index.mjs";
import { ROOT } from "../lib.mjs";
import { migrateAll } from "../migrate.mjs";
import { startLean } from "./lean.mjs";
import { pool } from "./measure.mjs";
import { call } from "./stack.mjs";

const PASSWORD = "benchmark password";
const STOCK = 1_000_000;

const signingKey = () => {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return JSON.stringify([{ ...privateKey.export({ format: "jwk" }), kid: "bench-shop", alg: "ES256", use: "sig" }]);
};

/** The verification token accounts queued for `email` (dev outbox, DEV_MODE). */
async function verificationToken(origin, email) {
  for (let i = 0; i < 100; i++) {
    const { items } = await call(origin, `/auth/v1/dev/outbox?to=${encodeURIComponent(email)}`);
    const mail = items.find((m) => m.kind === "email_verification");
    if (mail) return mail.payload.token;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no verification email to ${email}`);
}

/**
 * A user holding `shop:admin`: the root admin (listed in ADMIN_EMAILS, address verified) grants the role
 * through accounts' admin API to a verified user; the shop admin's refreshed token carries it.
 */
async function shopAdmin(origin, rootEmail, run) {
  const root = await call(origin, "/auth/v1/register", { json: { email: rootEmail, password: PASSWORD }, expect: 201 });
  await call(origin, "/auth/v1/email/verify", { token: root.accessToken, json: { token: await verificationToken(origin, rootEmail) } });
  const rootSession = await call(origin, "/auth/v1/login", { json: { email: rootEmail, password: PASSWORD } });
  const email = `shop-admin-${run}@example.com`;
  const admin = await call(origin, "/auth/v1/register", { json: { email, password: PASSWORD }, expect: 201 });
  // roles go only to proven addresses
  await call(origin, "/auth/v1/email/verify", { token: admin.accessToken, json: { token: await verificationToken(origin, email) } });
  await call(origin, `/auth/v1/admin/users/${admin.user.id}/roles/shop:admin`, { method: "PUT", token: rootSession.accessToken });
  const refreshed = await call(origin, "/auth/v1/refresh", { json: { refreshToken: admin.refreshToken } });
  return refreshed.accessToken;
}

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;

/**
 * `loops` concurrent loops of `step(loop)` for `warmup` + `seconds`; `step` returns the duration (ms) of the
 * timed part of one iteration. Counts iterations that ended inside the measured window.
 */
async function drive({ loops, seconds, warmup, step }) {
  const t0 = performance.now();
  const tStart = t0 + warmup * 1000;
  const tEnd = tStart + seconds * 1000;
  const latencies = [];
  const errors = {};
  await Promise.all(
    Array.from({ length: loops }, async (_, i) => {
      while (performance.now() < tEnd) {
        try {
          const ms = await step(i);
          const now = performance.now();
          if (now >= tStart && now < tEnd) latencies.push(ms);
        } catch (err) {
          const key = `${err.message}${err.cause ? ` (${err.cause.code ?? err.cause.message})` : ""}`.slice(0, 160);
          errors[key] = (errors[key] ?? 0) + 1;
          if (Object.values(errors).reduce((a, b) => a + b, 0) > 50) throw err;
        }
      }
    }),
  );
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    total: sorted.length,
    errors,
  };
}

/**
 * Starts its own lean workerd (the bundles already built by bench.mjs, a fresh state dir) and the Stripe
 * stand-in, seeds the catalog and the buyers through the API, then measures the baseline and the checkout.
 */
export async function benchShop({ bundles, work, seconds = 10, warmup = 2, buyers = 50 }) {
  const load = loadavg()[0];
  const fake = await startStripeFake({ port: 0 });
  const persistTo = join(work, "shop-state");
  migrateAll({ persistTo, quiet: true });
  const run = Date.now().toString(36);
  const rootEmail = `bench-root-${run}@example.com`;
  const lean = await startLean({
    bundles,
    persistTo,
    secrets: {
      accounts: { JWT_PRIVATE_KEYS: signingKey(), DEV_MODE: "true", ADMIN_EMAILS: rootEmail },
      // the per-user write limit (600/min) is for people; a bench buyer does two writes per iteration
      shop: {
        STRIPE_API_BASE: fake.url,
        STRIPE_SECRET_KEY: "sk_test_bench",
        STRIPE_WEBHOOK_SECRET: "whsec_bench",
        WRITE_RATE_LIMIT_PER_MINUTE: "1000000",
      },
    },
  });
  try {
    const origin = lean.stackUrl;
    const adminToken = await shopAdmin(origin, rootEmail, run);
    const product = await call(origin, "/shop/v1/products", {
      token: adminToken,
      headers: { "Idempotency-Key": randomUUID() },
      json: {
        title: "Benchmark mug",
        currency: "USD",
        status: "active",
        variants: [{ sku: `BENCH-${run}`, title: "Benchmark mug", price: 1299, stock: STOCK }],
      },
      expect: 201,
    });
    const variantId = product.variants[0].id;
    const people = await pool(
      Array.from({ length: buyers }, (_, i) => i),
      4,
      async (i) => {
        const s = await call(origin, "/auth/v1/register", {
          json: { email: `buyer-${run}-${i}@example.com`, password: PASSWORD },
          expect: 201,
        });
        return s.accessToken;
      },
    );

    const baseline = await drive({
      loops: buyers,
      seconds,
      warmup,
      step: async () => {
        const t = performance.now();
        const res = await fetch(`${lean.baselineUrl}/`);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`baseline: ${res.status}`);
        return performance.now() - t;
      },
    });

    const addMs = [];
    let checkouts = 0;
    let retries = 0;
    // A connection the server dropped (ECONNRESET under load, or a keep-alive socket closed as it was reused)
    // is retried with the same Idempotency-Key, so a retry can never make a second order; retries are counted.
    const retrying = async (send) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await send();
        } catch (err) {
          if (attempt >= 2 || err.cause?.code !== "ECONNRESET") throw err;
          retries++;
        }
      }
    };
    const checkout = await drive({
      loops: buyers,
      seconds,
      warmup,
      step: async (i) => {
        const token = people[i];
        const a = performance.now();
        const addKey = randomUUID();
        await retrying(() =>
          call(origin, "/shop/v1/cart/items", { token, headers: { "Idempotency-Key": addKey }, json: { variantId, quantity: 1 } }),
        );
        addMs.push(performance.now() - a); // context only: warm-up included
        const t = performance.now();
        const key = randomUUID();
        const body = await retrying(() =>
          call(origin, "/shop/v1/checkout", { token, headers: { "Idempotency-Key": key }, json: { country: "US" }, expect: 201 }),
        );
        const ms = performance.now() - t;
        if (!body?.order?.id || !body.clientSecret) throw new Error(`checkout answered ${JSON.stringify(body).slice(0, 200)}`);
        checkouts++;
        return ms;
      },
    });
    addMs.sort((x, y) => x - y);
    const orders = await call(origin, "/shop/v1/admin/dashboard/orders-by-state", { token: adminToken });
    return {
      config: { buyers, seconds, warmup, load },
      baseline,
      checkout,
      addToCart: { p50: percentile(addMs, 50), p99: percentile(addMs, 99) },
      checkouts,
      retries,
      ordersCreated: orders.total,
      ratio: checkout.rps / baseline.rps,
      p99Ratio: checkout.p99 / Math.max(baseline.p99, 1),
    };
  } finally {
    await lean.dispose();
    await fake.close();
  }
}

/** The results as a Markdown section for bench/results.md. */
export function shopMarkdown(r, setup) {
  const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "–");
  const errs = (e) =>
    Object.entries(e)
      .map(([k, v]) => `${k} (${v})`)
      .join("; ") || "none";
  return [
    "## Shop checkout",
    "",
    `${new Date().toISOString()} · ${setup} · load average ${r.config.load.toFixed(1)} on ${cpus().length} cores at the start · ` +
      `${r.config.buyers} buyers (one account each) in concurrent loops of "POST /shop/v1/cart/items (1 unit), then POST /shop/v1/checkout ` +
      `with a fresh Idempotency-Key", ${r.config.seconds} s after a ${r.config.warmup} s warm-up, one product with ${STOCK} units, ` +
      "the Stripe stand-in (packages/stripe-fake) on a local port. Only the checkout call is timed; the baseline is the bare Worker " +
      `driven by the same ${r.config.buyers} loops in the same run. Add-to-cart p50/p99: ${f(r.addToCart.p50)} / ${f(r.addToCart.p99)} ms. ` +
      `Checkouts answered 201 (warm-up and measured window): ${r.checkouts}; orders in the database afterwards: ${r.ordersCreated}; ` +
      `requests retried after a dropped connection (same Idempotency-Key): ${r.retries}.`,
    "",
    "| target | req/s | p50 ms | p99 ms | max ms | × baseline req/s | × baseline p99 | errors |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
    `| baseline Worker (fixed 200), ${r.config.buyers} loops | ${f(r.baseline.rps, 0)} | ${f(r.baseline.p50)} | ${f(r.baseline.p99)} | ${f(r.baseline.max)} | 1.00 | 1.00 | ${errs(r.baseline.errors)} |`,
    `| POST /shop/v1/checkout, ${r.config.buyers} buyers | ${f(r.checkout.rps, 0)} | ${f(r.checkout.p50)} | ${f(r.checkout.p99)} | ${f(r.checkout.max)} | ${f(r.ratio, 3)} | ${f(r.p99Ratio, 1)} | ${errs(r.checkout.errors)} |`,
    "",
  ].join("\n");
}

/** Replaces the "## Shop checkout" section of bench/results.md (or appends it), keeping everything else. */
export function writeShopSection(section) {
  const file = join(ROOT, "bench", "results.md");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const start = current.indexOf("## Shop checkout");
  if (start === -1) return writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
  const after = current.indexOf("\n## ", start + 1);
  writeFileSync(file, `${current.slice(0, start)}${section}${after === -1 ? "" : current.slice(after + 1)}`);
}
