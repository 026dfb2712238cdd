// The proxy's hot path: a workspace's Snapshot by slug or host. Isolate memory first (fresh < 1 s: as is;
// stale < 10 s: served while one revalidation runs in waitUntil; older or absent: awaited, and a stale copy is
// still served if that read fails). Revalidating reads
// one indexed D1 row (the revision pointer); only a changed revision reads the immutable KV entry, and a KV
// miss compiles from D1 and fills KV. Unknown workspaces are negative-cached for 1 s.

import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Snapshot } from "../contract";
import { workspaceHosts, workspaces } from "../schema";
import { buildSnapshot } from "./compile";

export type SnapshotLookup = { slug: string } | { host: string };

interface Entry {
  snapshot: Snapshot | null;
  checkedAt: number;
  pending: Promise<Snapshot | null> | null;
}

/** Options of a {@link SnapshotCache}: the clock and the windows (ms). */
export interface SnapshotCacheOptions {
  now?: () => number;
  freshMs?: number;
  maxStaleMs?: number;
  negativeMs?: number;
  maxEntries?: number;
}

const SNAPSHOT_TTL_SECONDS = 7 * 24 * 3600;

/**
 * An isolate-memory cache of snapshots. The module keeps one (`snapshotCache`); tests make their own with a clock.
 *
 * @example const cache = new SnapshotCache({ now: () => clock }); await cache.load(env, ctx, { slug: "acme" });
 */
export class SnapshotCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #freshMs: number;
  readonly #maxStaleMs: number;
  readonly #negativeMs: number;
  readonly #maxEntries: number;
  /** Bumped by every invalidate: a revalidation that started before one must not pass off its result as fresh. */
  #epoch = 0;

  constructor(options: SnapshotCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#freshMs = options.freshMs ?? 1000;
    this.#maxStaleMs = options.maxStaleMs ?? 10_000;
    this.#negativeMs = options.negativeMs ?? 1000;
    this.#maxEntries = options.maxEntries ?? 1000;
  }

  /** The snapshot of a workspace (by slug, or by a production host name), or null when there is none. */
  async load(env: Env, exec: Pick<ExecutionContext, "waitUntil">, lookup: SnapshotLookup): Promise<Snapshot | null> {
    const key = "slug" in lookup ? `slug:${lookup.slug}` : `host:${lookup.host.toLowerCase()}`;
    const entry = this.#entries.get(key);
    const age = entry ? this.#now() - entry.checkedAt : Number.POSITIVE_INFINITY;
    if (entry && age < this.#freshMs) return entry.snapshot;
    if (entry?.snapshot && age < this.#maxStaleMs) {
      if (!entry.pending) exec.waitUntil(this.#revalidate(env, key, lookup, entry).catch(() => null));
      return entry.snapshot;
    }
    if (entry && age < this.#negativeMs) return null;
    const pending = entry?.pending ?? this.#revalidate(env, key, lookup, entry);
    if (!entry?.snapshot) return pending;
    // stale-if-error: when D1 or KV cannot be read, the last snapshot this isolate had keeps serving
    const stale = entry.snapshot;
    return pending.catch(() => stale);
  }

  /** Drops every cached copy of a workspace (after a write in this isolate). */
  invalidate(workspaceId: string): void {
    this.#epoch++;
    for (const [key, entry] of this.#entries) if (entry.snapshot?.workspaceId === workspaceId) this.#entries.delete(key);
  }

  /** Forgets everything (tests). */
  clear(): void {
    this.#entries.clear();
  }

  #revalidate(env: Env, key: string, lookup: SnapshotLookup, entry: Entry | undefined): Promise<Snapshot | null> {
    const epoch = this.#epoch;
    const pending = this.#fetch(env, lookup, entry?.snapshot ?? null).then(
      (snapshot) => {
        // raced with a write in this isolate: keep it for this caller, but the next load checks again
        const checkedAt = epoch === this.#epoch ? this.#now() : Number.NEGATIVE_INFINITY;
        this.#set(key, { snapshot, checkedAt, pending: null });
        return snapshot;
      },
      (err: unknown) => {
        if (entry) entry.pending = null;
        throw err;
      },
    );
    if (entry) entry.pending = pending;
    return pending;
  }

  async #fetch(env: Env, lookup: SnapshotLookup, cached: Snapshot | null): Promise<Snapshot | null> {
    const db = drizzle(env.DB);
    const [head] =
      "slug" in lookup
        ? await db.select({ id: workspaces.id, revision: workspaces.revision }).from(workspaces).where(eq(workspaces.slug, lookup.slug))
        : await db
            .select({ id: workspaces.id, revision: workspaces.revision })
            .from(workspaceHosts)
            .innerJoin(workspaces, eq(workspaces.id, workspaceHosts.workspaceId))
            .where(eq(workspaceHosts.host, lookup.host.toLowerCase()));
    if (!head) return null;
    if (cached && cached.workspaceId === head.id && cached.revision === head.revision) return cached;
    const stored = await env.CACHE.get<Snapshot>(`snap:${head.id}:${head.revision}`, "json");
    if (stored) return stored;
    const built = await buildSnapshot(db, head.id);
    if (built) await env.CACHE.put(`snap:${head.id}:${built.revision}`, JSON.stringify(built), { expirationTtl: SNAPSHOT_TTL_SECONDS });
    return built;
  }

  #set(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    // Map keeps insertion order: the first key is the least recently refreshed
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

/** This isolate's cache. */
export const snapshotCache = new SnapshotCache();

/**
 * The current Snapshot of a workspace by slug (`/gw/{slug}/…`) or production host, or null when unknown.
 * Takes effect within ~1 s of a write anywhere (this isolate: at once).
 *
 * @example const snapshot = await loadSnapshot(env, ctx, { slug: "acme" }); if (!snapshot) return notFound();
 */
export const loadSnapshot = (env: Env, exec: Pick<ExecutionContext, "waitUntil">, lookup: SnapshotLookup): Promise<Snapshot | null> =>
  snapshotCache.load(env, exec, lookup);
