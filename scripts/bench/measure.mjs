// One autocannon measurement: warm up, then measure; returns requests/s and latency percentiles.
import autocannon from "autocannon";

const run = (opts) =>
  new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });

/**
 * Measures `url` with `connections` for `seconds` after a `warmup`-second warm-up. Every answer must
 * be in the `expect` class (`2xx`, or `3xx` for redirects, which are not followed), else the run fails.
 */
export async function measure({ url, headers = {}, connections = 10, seconds = 10, warmup = 2, expect = "2xx" }) {
  await run({ url, headers, connections, duration: warmup });
  const r = await run({ url, headers, connections, duration: seconds });
  const wrong = r.requests.total - r[expect];
  if (wrong > 0 || r.errors > 0) throw new Error(`${url}: ${wrong} answers outside ${expect}, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
