import type { MigrationStep } from "@edgeworks/realtime";
import { LIVE_MIGRATION } from "../web/live";

/**
 * The scheduler's SQLite schema (one object per queue): append a step for every change, never edit one
 * that is deployed. Times are epoch milliseconds; JSON columns hold what the API shows as it is.
 */
export const SCHEDULER_MIGRATIONS: readonly MigrationStep[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
   CREATE TABLE jobs (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     job_id TEXT,
     name TEXT NOT NULL,
     payload TEXT NOT NULL,
     state TEXT NOT NULL,
     priority INTEGER NOT NULL,
     attempts_made INTEGER NOT NULL DEFAULT 0,
     attempts_max INTEGER NOT NULL,
     backoff TEXT,
     timeout INTEGER NOT NULL,
     max_stalled INTEGER NOT NULL,
     stalled_count INTEGER NOT NULL DEFAULT 0,
     run_at INTEGER,
     depends_on TEXT NOT NULL DEFAULT '[]',
     on_parent_failure TEXT NOT NULL,
     pending_parents INTEGER NOT NULL DEFAULT 0,
     progress TEXT,
     result TEXT,
     error TEXT,
     builtin INTEGER NOT NULL,
     token TEXT,
     lease_until INTEGER,
     lease_ms INTEGER,
     worker TEXT,
     run_started INTEGER NOT NULL DEFAULT 0,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     ready_at INTEGER,
     started_at INTEGER,
     finished_at INTEGER
   );
   CREATE INDEX jobs_ready ON jobs (state, builtin, priority DESC, seq);
   CREATE INDEX jobs_due ON jobs (state, run_at);
   CREATE INDEX jobs_lease ON jobs (state, lease_until);
   CREATE INDEX jobs_finished ON jobs (state, finished_at);
   CREATE INDEX jobs_list ON jobs (state, seq);
   CREATE UNIQUE INDEX jobs_dedupe ON jobs (job_id) WHERE job_id IS NOT NULL AND state NOT IN ('completed', 'dead', 'cancelled');
   CREATE INDEX jobs_job_id ON jobs (job_id, seq);
   CREATE TABLE edges (parent TEXT NOT NULL, child TEXT NOT NULL, PRIMARY KEY (parent, child)) WITHOUT ROWID;
   CREATE INDEX edges_child ON edges (child);
   CREATE TABLE timeline (seq INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, at INTEGER NOT NULL, from_state TEXT, to_state TEXT NOT NULL, cause TEXT NOT NULL);
   CREATE INDEX timeline_job ON timeline (job, seq);
   CREATE TABLE attempts (seq INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, attempt INTEGER NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER, worker TEXT NOT NULL, error_message TEXT, error_stack TEXT);
   CREATE INDEX attempts_job ON attempts (job, seq);
   CREATE TABLE logs (seq INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, at INTEGER NOT NULL, line TEXT NOT NULL);
   CREATE INDEX logs_job ON logs (job, seq);
   CREATE TABLE starts (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL);
   CREATE TABLE stats (key TEXT PRIMARY KEY NOT NULL, value REAL NOT NULL);
   CREATE TABLE histogram (name TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (name, bucket)) WITHOUT ROWID;
   CREATE TABLE schedules (
     id TEXT PRIMARY KEY NOT NULL,
     cron TEXT,
     timezone TEXT NOT NULL,
     every INTEGER,
     start_at INTEGER,
     end_at INTEGER,
     limit_left INTEGER,
     runs INTEGER NOT NULL DEFAULT 0,
     paused INTEGER NOT NULL DEFAULT 0,
     job TEXT NOT NULL,
     next_at INTEGER,
     last_run_at INTEGER,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX schedules_next ON schedules (paused, next_at);`,
  LIVE_MIGRATION,
];

/** A row of `jobs` as SQLite returns it. */
export interface JobRow {
  [key: string]: SqlStorageValue;
  seq: number;
  id: string;
  job_id: string | null;
  name: string;
  payload: string;
  state: string;
  priority: number;
  attempts_made: number;
  attempts_max: number;
  backoff: string | null;
  timeout: number;
  max_stalled: number;
  stalled_count: number;
  run_at: number | null;
  depends_on: string;
  on_parent_failure: string;
  pending_parents: number;
  progress: string | null;
  result: string | null;
  error: string | null;
  builtin: number;
  token: string | null;
  lease_until: number | null;
  lease_ms: number | null;
  worker: string | null;
  run_started: number;
  cancel_requested: number;
  created_at: number;
  ready_at: number | null;
  started_at: number | null;
  finished_at: number | null;
}

/** A row of `schedules`. */
export interface ScheduleRow {
  [key: string]: SqlStorageValue;
  id: string;
  cron: string | null;
  timezone: string;
  every: number | null;
  start_at: number | null;
  end_at: number | null;
  limit_left: number | null;
  runs: number;
  paused: number;
  job: string;
  next_at: number | null;
  last_run_at: number | null;
  created_at: number;
}

/** ISO 8601 of epoch ms, or null. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** `?, ?, ?` for an IN list. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => "?").join(", ");

/** One JSON value read back from a column (null stays null). */
export const fromJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** A value as stored JSON text: `undefined` (no result) becomes null. */
export const toJson = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
