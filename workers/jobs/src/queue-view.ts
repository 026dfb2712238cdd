import { iso } from "@edgeworks/http";
import type { JobOptions, QueueCounts, QueueSettings } from "./engine/types";
import type { QueueRow } from "./schema";

/** A queue as the API shows it: its settings and its jobs per state. */
export interface Queue extends QueueSettings {
  id: string;
  name: string;
  counts: QueueCounts;
  createdAt: string;
  updatedAt: string;
}

/** The scheduler's name of a queue: `idFromName(<ownerId>/<queueId>)`. */
export const queueKeyOf = (row: Pick<QueueRow, "ownerId" | "id">): string => `${row.ownerId}/${row.id}`;

/** The settings the row stores (JSON columns parsed). */
export function settingsOf(row: QueueRow): QueueSettings {
  return {
    paused: row.paused,
    concurrency: row.concurrency,
    rateLimit: row.rateLimit ? (JSON.parse(row.rateLimit) as QueueSettings["rateLimit"]) : null,
    defaultJobOptions: JSON.parse(row.defaultJobOptions) as JobOptions,
    retention: JSON.parse(row.retention) as QueueSettings["retention"],
  };
}

/** The API shape of a queue row with its counts. */
export function toQueue(row: QueueRow, counts: QueueCounts): Queue {
  return { id: row.id, name: row.name, ...settingsOf(row), counts, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}
