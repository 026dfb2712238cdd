import { HISTOGRAM_BUCKETS, JOB_STATES, type QueueCounts, type QueueMetrics } from "./types";

type Histogram = "wait" | "run";
/** The bucket past the last bound (+Inf): counted in `count` only. */
const OVERFLOW = HISTOGRAM_BUCKETS.length;

/** Totals and histograms of one queue in the scheduler's SQLite (`stats`, `histogram`). */
export class MetricsStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Adds `by` to a counter (`completed_total`, `failed_total`, `<histogram>_sum`, `<histogram>_count`). */
  add(key: string, by: number): void {
    this.sql.exec("INSERT INTO stats (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value", key, by);
  }

  /** Records one observation, in seconds, of `wait` (ready → started) or `run` (started → finished). */
  observe(name: Histogram, seconds: number): void {
    const value = Math.max(0, seconds);
    let bucket = HISTOGRAM_BUCKETS.findIndex((bound) => value <= bound);
    if (bucket === -1) bucket = OVERFLOW;
    this.sql.exec(
      "INSERT INTO histogram (name, bucket, count) VALUES (?, ?, 1) ON CONFLICT (name, bucket) DO UPDATE SET count = count + 1",
      name,
      bucket,
    );
    this.add(`${name}_sum`, value);
    this.add(`${name}_count`, 1);
  }

  counts(): QueueCounts {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as unknown as QueueCounts;
    for (const row of this.sql.exec<{ state: string; n: number }>("SELECT state, count(*) AS n FROM jobs GROUP BY state")) {
      if (row.state in counts) counts[row.state as keyof QueueCounts] = row.n;
    }
    return counts;
  }

  metrics(): QueueMetrics {
    const stats = new Map<string, number>();
    for (const row of this.sql.exec<{ key: string; value: number }>("SELECT key, value FROM stats")) stats.set(row.key, row.value);
    return {
      counts: this.counts(),
      completedTotal: stats.get("completed_total") ?? 0,
      failedTotal: stats.get("failed_total") ?? 0,
      waitSeconds: this.histogram("wait", stats),
      runSeconds: this.histogram("run", stats),
    };
  }

  private histogram(name: Histogram, stats: Map<string, number>): QueueMetrics["waitSeconds"] {
    const raw = new Array<number>(OVERFLOW + 1).fill(0);
    for (const row of this.sql.exec<{ bucket: number; count: number }>("SELECT bucket, count FROM histogram WHERE name = ?", name)) {
      raw[row.bucket] = row.count;
    }
    let running = 0;
    const buckets = HISTOGRAM_BUCKETS.map((_, i) => (running += raw[i] ?? 0));
    return { buckets, sum: stats.get(`${name}_sum`) ?? 0, count: stats.get(`${name}_count`) ?? 0 };
  }
}
