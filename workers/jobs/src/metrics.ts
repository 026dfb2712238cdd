import { unwrap } from "@edgeworks/realtime";
import type { ServiceDeps } from "./deps";
import { HISTOGRAM_BUCKETS, JOB_STATES, type QueueMetrics } from "./engine/types";
import { queueKeyOf } from "./queue-view";
import { listAllQueueRows } from "./queues.service";

/** The content type of Prometheus' text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** A label value escaped as the text format requires: backslash, double quote and line feed. */
export const escapeLabel = (value: string): string => value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");

/** Numbers as the format writes them (`+Inf`, `NaN`; integers without a fraction). */
const num = (n: number): string => (Number.isNaN(n) ? "NaN" : n === Number.POSITIVE_INFINITY ? "+Inf" : String(n));

/**
 * The metrics of some queues in the Prometheus text format 0.0.4: jobs per state (gauge), completed and
 * failed totals (counters), wait and run time histograms (cumulative buckets, `+Inf` = count).
 *
 * @example renderMetrics([{ queue: "emails", metrics }]) // "# HELP jobs_queue_jobs …"
 */
export function renderMetrics(entries: { queue: string; metrics: QueueMetrics }[]): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const q = (queue: string) => `queue="${escapeLabel(queue)}"`;

  family("jobs_queue_jobs", "gauge", "Jobs in each state, per queue.");
  for (const { queue, metrics } of entries)
    for (const state of JOB_STATES) out.push(`jobs_queue_jobs{${q(queue)},state="${state}"} ${num(metrics.counts[state])}`);
  family("jobs_completed_total", "counter", "Jobs completed, per queue.");
  for (const { queue, metrics } of entries) out.push(`jobs_completed_total{${q(queue)}} ${num(metrics.completedTotal)}`);
  family("jobs_failed_total", "counter", "Failed attempts, per queue.");
  for (const { queue, metrics } of entries) out.push(`jobs_failed_total{${q(queue)}} ${num(metrics.failedTotal)}`);
  for (const [name, key, help] of [
    ["jobs_wait_seconds", "waitSeconds", "Seconds from ready to started, per queue."],
    ["jobs_run_seconds", "runSeconds", "Seconds an attempt ran, per queue."],
  ] as const) {
    family(name, "histogram", help);
    for (const { queue, metrics } of entries) {
      const h = metrics[key];
      HISTOGRAM_BUCKETS.forEach((le, i) => {
        out.push(`${name}_bucket{${q(queue)},le="${le}"} ${num(h.buckets[i] ?? h.count)}`);
      });
      out.push(
        `${name}_bucket{${q(queue)},le="+Inf"} ${num(h.count)}`,
        `${name}_sum{${q(queue)}} ${num(h.sum)}`,
        `${name}_count{${q(queue)}} ${num(h.count)}`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}

/** The metrics of every queue of the caller, rendered. */
export async function callerMetrics(deps: ServiceDeps): Promise<string> {
  const rows = await listAllQueueRows(deps);
  const entries = await Promise.all(
    rows.map(async (row) => ({ queue: row.name, metrics: unwrap(await deps.scheduler(queueKeyOf(row)).metrics()) })),
  );
  return renderMetrics(entries);
}
