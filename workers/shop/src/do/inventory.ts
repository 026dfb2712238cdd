import { DurableObject } from "cloudflare:workers";
import { ApiError, log } from "@edgeworks/http";
import { asResult, type MigrationStep, migrate, type Result } from "@edgeworks/realtime";
import { and, eq, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type {
  Availability,
  Committed,
  HoldLine,
  MergedHolds,
  Released,
  Reservation,
  Restocked,
  StockLevel,
  Transfer,
} from "../cart/inventory-types";
import { variants } from "../catalog/schema";

/** The object's SQLite schema: append a step for every change, never edit a deployed one. */
const MIGRATIONS: readonly MigrationStep[] = [
  `CREATE TABLE stock (variant_id TEXT PRIMARY KEY NOT NULL, stock INTEGER NOT NULL);
   CREATE TABLE holds (
     holder TEXT NOT NULL, variant_id TEXT NOT NULL, quantity INTEGER NOT NULL, expires_at INTEGER,
     PRIMARY KEY (holder, variant_id)
   ) WITHOUT ROWID;
   CREATE INDEX holds_variant ON holds (variant_id, expires_at);
   CREATE INDEX holds_expiry ON holds (expires_at) WHERE expires_at IS NOT NULL;
   CREATE TABLE commits (holder TEXT PRIMARY KEY NOT NULL, lines TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE TABLE restocks (key TEXT PRIMARY KEY NOT NULL, lines TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE TABLE mirror (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, dirty INTEGER NOT NULL);
   INSERT INTO mirror (id, version, dirty) VALUES (1, 0, 0);`,
];

/** The most units one variant may have on hand (a bound that keeps sums far from overflow). */
export const MAX_STOCK = 1_000_000_000;
/** Holders are `cart:<id>` or `order:<id>`. */
const HOLDER = /^(cart|order):[A-Za-z0-9_-]{1,100}$/;
/** Variant ids are nanoids (and test ids): short, URL-safe. */
const VARIANT = /^[A-Za-z0-9_-]{1,64}$/;
/** A failed D1 mirror write is retried by the alarm this long after. */
const MIRROR_RETRY_MS = 5_000;
/** Most lines one call may name. */
const MAX_LINES = 200;

const invalid = (message: string) => new ApiError("validation_failed", message);

function checkHolder(holder: string): void {
  if (holder.length > 110 || !HOLDER.test(holder)) throw invalid("A holder is cart:<id> or order:<id>");
}

function checkVariant(variantId: string): void {
  if (variantId.length > 64 || !VARIANT.test(variantId)) throw invalid("A variant id is 1..64 URL-safe characters");
}

function checkQuantity(quantity: number, max = MAX_STOCK): void {
  if (!Number.isSafeInteger(quantity) || quantity < 0 || quantity > max) throw invalid(`A quantity is an integer in 0..${max}`);
}

function checkTtl(ttlMs: number | null): void {
  if (ttlMs !== null && (!Number.isSafeInteger(ttlMs) || ttlMs <= 0 || ttlMs > 30 * 86_400_000)) {
    throw invalid("A hold's time to live is 1 ms..30 days, or null (until released)");
  }
}

/** Sums the quantity of each variant (a line may repeat a variant) after checking them. */
function aggregate(lines: readonly HoldLine[]): Map<string, number> {
  if (!Array.isArray(lines) || lines.length > MAX_LINES) throw invalid(`At most ${MAX_LINES} lines`);
  const out = new Map<string, number>();
  for (const line of lines) {
    checkVariant(line.variantId);
    checkQuantity(line.quantity);
    out.set(line.variantId, (out.get(line.variantId) ?? 0) + line.quantity);
  }
  return out;
}

/**
 * Stock and live reservations of one product's variants (`INVENTORY.idFromName(productId)`), the
 * authority for "how many can still be sold". Every method reads and writes its SQLite storage
 * synchronously (no await between the read and the write), so two calls never interleave inside a
 * decision: `available = stock − Σ live holds` is exact and never negative. After a change it mirrors
 * `stock`/`available` into D1 `variants`, each write guarded by a version that only grows, so a
 * mirror write that arrives late never overwrites a newer one. The alarm purges expired holds (and
 * retries a failed mirror). Expected failures travel as data (`Result`, `conflict: true`).
 */
export class Inventory extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, MIGRATIONS));
  }

  /** Sets the on-hand stock of a variant (0..MAX_STOCK); lowering it below held units leaves available at 0. */
  async setStock(variantId: string, stock: number): Promise<Result<StockLevel>> {
    const result = await asResult(() => {
      checkVariant(variantId);
      checkQuantity(stock);
      this.sql.exec(
        "INSERT INTO stock (variant_id, stock) VALUES (?, ?) ON CONFLICT (variant_id) DO UPDATE SET stock = excluded.stock",
        variantId,
        stock,
      );
      return this.levelOf(variantId, Date.now());
    });
    if (result.ok) await this.mirror([variantId]);
    return result;
  }

  /**
   * Sets `holder`'s hold of a variant to `quantity` (absolute; 0 releases it) for `ttlMs` (null: until
   * released). Conflict when fewer than `quantity` are left for this holder; the old hold stays then.
   */
  async reserve(holder: string, variantId: string, quantity: number, ttlMs: number | null): Promise<Result<Reservation>> {
    const result = await asResult(() => {
      checkHolder(holder);
      checkVariant(variantId);
      checkQuantity(quantity);
      checkTtl(ttlMs);
      return this.reserveOne(holder, variantId, quantity, ttlMs, Date.now());
    });
    if (result.ok && !result.value.conflict) await this.after([variantId]);
    return result;
  }

  /**
   * {@link reserve} for several variants at once, each decided on its own (one may conflict while the
   * others are held): a cart refreshes every line's hold this way after a change.
   */
  async reserveMany(holder: string, lines: readonly HoldLine[], ttlMs: number | null): Promise<Result<Reservation[]>> {
    const result = await asResult(() => {
      checkHolder(holder);
      checkTtl(ttlMs);
      const wanted = aggregate(lines);
      const now = Date.now();
      return [...wanted].map(([variantId, quantity]) => this.reserveOne(holder, variantId, quantity, ttlMs, now));
    });
    if (result.ok) await this.after(result.value.filter((r) => !r.conflict).map((r) => r.variantId));
    return result;
  }

  /** Drops `holder`'s holds (of one variant, or all of them). */
  async release(holder: string, variantId?: string): Promise<Result<Released>> {
    const result = await asResult(() => {
      checkHolder(holder);
      if (variantId !== undefined) checkVariant(variantId);
      const rows = this.sql
        .exec<{ variant_id: string; quantity: number }>(
          variantId === undefined
            ? "DELETE FROM holds WHERE holder = ? RETURNING variant_id, quantity"
            : "DELETE FROM holds WHERE holder = ? AND variant_id = ? RETURNING variant_id, quantity",
          ...(variantId === undefined ? [holder] : [holder, variantId]),
        )
        .toArray();
      return { variantIds: rows.map((r) => r.variant_id), quantity: rows.reduce((sum, r) => sum + r.quantity, 0) };
    });
    if (result.ok) await this.mirror(result.value.variantIds);
    return result;
  }

  /**
   * Moves holds from one holder to another, all or nothing: afterwards `to` holds exactly `lines` and
   * `from` holds none of those variants. What `from` held counts as its own even when it has expired
   * (it is re-reserved when still free); the conflict lists each variant that is short.
   */
  async transfer(from: string, to: string, lines: readonly HoldLine[], ttlMs: number | null): Promise<Result<Transfer>> {
    const result = await asResult((): Transfer => {
      checkHolder(from);
      checkHolder(to);
      checkTtl(ttlMs);
      const wanted = aggregate(lines);
      const now = Date.now();
      const shortages: { variantId: string; available: number }[] = [];
      for (const [variantId, quantity] of wanted) {
        const free = this.freeFor([from, to], variantId, now);
        if (quantity > free) shortages.push({ variantId, available: Math.max(0, free) });
      }
      if (shortages.length > 0) return { conflict: true, shortages };
      const expiresAt = ttlMs === null ? null : now + ttlMs;
      for (const [variantId, quantity] of wanted) {
        this.sql.exec("DELETE FROM holds WHERE holder IN (?, ?) AND variant_id = ?", from, to, variantId);
        if (quantity > 0) {
          this.sql.exec(
            "INSERT INTO holds (holder, variant_id, quantity, expires_at) VALUES (?, ?, ?, ?)",
            to,
            variantId,
            quantity,
            expiresAt,
          );
        }
      }
      return { conflict: false, lines: [...wanted].map(([variantId, quantity]) => ({ variantId, quantity })) };
    });
    if (result.ok && !result.value.conflict) await this.after(result.value.lines.map((l) => l.variantId));
    return result;
  }

  /**
   * Drops every hold of `from` and sets `to`'s hold of each `wanted` variant to the wanted quantity, or
   * to what is free once `from`'s units are given up, whichever is less: a cart merge (wanted = the two
   * carts' quantities added) or the undo of a checkout start. Returns what `to` holds of each wanted
   * variant afterwards, and every variant it touched.
   */
  async mergeHolds(from: string, to: string, wanted: readonly HoldLine[], ttlMs: number | null): Promise<Result<MergedHolds>> {
    const result = await asResult((): MergedHolds => {
      checkHolder(from);
      checkHolder(to);
      checkTtl(ttlMs);
      const want = aggregate(wanted);
      const now = Date.now();
      const expiresAt = ttlMs === null ? null : now + ttlMs;
      const granted: HoldLine[] = [];
      const touched = new Set<string>(
        this.sql
          .exec<{ variant_id: string }>("DELETE FROM holds WHERE holder = ? RETURNING variant_id", from)
          .toArray()
          .map((r) => r.variant_id),
      );
      for (const [variantId, quantity] of want) {
        touched.add(variantId);
        const free = Math.max(0, this.freeFor([to], variantId, now));
        const quantityHeld = Math.min(quantity, free);
        this.sql.exec("DELETE FROM holds WHERE holder = ? AND variant_id = ?", to, variantId);
        if (quantityHeld > 0) {
          this.sql.exec(
            "INSERT INTO holds (holder, variant_id, quantity, expires_at) VALUES (?, ?, ?, ?)",
            to,
            variantId,
            quantityHeld,
            expiresAt,
          );
        }
        granted.push({ variantId, quantity: quantityHeld });
      }
      return { lines: granted, variantIds: [...touched] };
    });
    if (result.ok) await this.after(result.value.variantIds);
    return result;
  }

  /**
   * Turns `holder`'s holds into sales (stock −= quantity, holds dropped), expired ones included (the
   * payment came through). With `expected` (the order's lines of this product), exactly those units are
   * sold even when the holds were purged meanwhile: missing units are taken from what is free, and what
   * was not free either is reported as `shortfall` (sold anyway, stock never below 0: the caller refunds or
   * back-orders). Idempotent: a second commit of the same holder returns the first one's answer and
   * changes nothing.
   */
  async commit(holder: string, expected?: readonly HoldLine[]): Promise<Result<Committed>> {
    const result = await asResult((): Committed => {
      checkHolder(holder);
      const wanted = expected === undefined ? undefined : aggregate(expected);
      const done = this.sql.exec<{ lines: string }>("SELECT lines FROM commits WHERE holder = ?", holder).toArray()[0];
      if (done) {
        const stored = JSON.parse(done.lines) as HoldLine[] | { lines: HoldLine[]; shortfall: HoldLine[] };
        return Array.isArray(stored) ? { lines: stored, shortfall: [], replayed: true } : { ...stored, replayed: true };
      }
      const now = Date.now();
      const shortfall: HoldLine[] = [];
      let lines: HoldLine[];
      if (wanted === undefined) {
        lines = this.sql
          .exec<{ variant_id: string; quantity: number }>("SELECT variant_id, quantity FROM holds WHERE holder = ?", holder)
          .toArray()
          .map((h) => ({ variantId: h.variant_id, quantity: h.quantity }));
      } else {
        lines = [...wanted].map(([variantId, quantity]) => ({ variantId, quantity }));
        for (const line of lines) {
          // what this holder may take: stock minus everyone else's live holds (its own hold included, expired or not)
          const free = Math.max(0, this.freeFor([holder], line.variantId, now));
          if (line.quantity > free) shortfall.push({ variantId: line.variantId, quantity: line.quantity - free });
        }
      }
      this.sql.exec("DELETE FROM holds WHERE holder = ?", holder);
      for (const line of lines) {
        this.sql.exec("UPDATE stock SET stock = max(0, stock - ?) WHERE variant_id = ?", line.quantity, line.variantId);
      }
      this.sql.exec("INSERT INTO commits (holder, lines, at) VALUES (?, ?, ?)", holder, JSON.stringify({ lines, shortfall }), now);
      return { lines, shortfall, replayed: false };
    });
    if (result.ok && !result.value.replayed) await this.mirror(result.value.lines.map((l) => l.variantId));
    return result;
  }

  /** Puts sold units back on hand (a refund or a cancelled paid order); once per `key`, a repeat changes nothing. */
  async restock(key: string, lines: readonly HoldLine[]): Promise<Result<Restocked>> {
    const result = await asResult((): Restocked => {
      if (typeof key !== "string" || key.length === 0 || key.length > 200) throw invalid("A restock key is 1..200 characters");
      const done = this.sql.exec<{ lines: string }>("SELECT lines FROM restocks WHERE key = ?", key).toArray()[0];
      if (done) return { lines: JSON.parse(done.lines) as HoldLine[], replayed: true };
      const wanted = aggregate(lines);
      const out: HoldLine[] = [];
      for (const [variantId, quantity] of wanted) {
        this.sql.exec(
          "INSERT INTO stock (variant_id, stock) VALUES (?, ?) ON CONFLICT (variant_id) DO UPDATE SET stock = min(?, stock + excluded.stock)",
          variantId,
          quantity,
          MAX_STOCK,
        );
        out.push({ variantId, quantity });
      }
      this.sql.exec("INSERT INTO restocks (key, lines, at) VALUES (?, ?, ?)", key, JSON.stringify(out), Date.now());
      return { lines: out, replayed: false };
    });
    if (result.ok && !result.value.replayed) await this.mirror(result.value.lines.map((l) => l.variantId));
    return result;
  }

  /** Stock and available of the given variants (unknown ones are 0), or of every variant this object knows. */
  async availability(variantIds?: readonly string[]): Promise<Result<Availability>> {
    return asResult((): Availability => {
      const now = Date.now();
      if (variantIds === undefined) {
        const ids = this.sql.exec<{ variant_id: string }>("SELECT variant_id FROM stock ORDER BY variant_id").toArray();
        return { variants: ids.map((r) => this.levelOf(r.variant_id, now)) };
      }
      if (!Array.isArray(variantIds) || variantIds.length > MAX_LINES) throw invalid(`At most ${MAX_LINES} variants`);
      for (const id of variantIds) checkVariant(id);
      return { variants: variantIds.map((id) => this.levelOf(id, now)) };
    });
  }

  /** What `holder` holds now (live holds only unless `all`). */
  async holdsOf(holder: string, all = false): Promise<Result<HoldLine[]>> {
    return asResult(() => {
      checkHolder(holder);
      return this.sql
        .exec<{ variant_id: string; quantity: number }>(
          `SELECT variant_id, quantity FROM holds WHERE holder = ? ${all ? "" : "AND (expires_at IS NULL OR expires_at > ?)"} ORDER BY variant_id`,
          ...(all ? [holder] : [holder, Date.now()]),
        )
        .toArray()
        .map((r) => ({ variantId: r.variant_id, quantity: r.quantity }));
    });
  }

  /** Purges expired holds, mirrors what changed (or everything after a failed mirror) and plans the next expiry. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const purged = this.sql
      .exec<{ variant_id: string }>("DELETE FROM holds WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING variant_id", now)
      .toArray()
      .map((r) => r.variant_id);
    const dirty = this.sql.exec<{ dirty: number }>("SELECT dirty FROM mirror").one().dirty === 1;
    const ids = dirty
      ? this.sql
          .exec<{ variant_id: string }>("SELECT variant_id FROM stock")
          .toArray()
          .map((r) => r.variant_id)
      : purged;
    if (dirty) this.sql.exec("UPDATE mirror SET dirty = 0");
    const next = this.sql.exec<{ at: number | null }>("SELECT min(expires_at) AS at FROM holds WHERE expires_at IS NOT NULL").one().at;
    if (next !== null) await this.ctx.storage.setAlarm(next);
    await this.mirror(ids);
  }

  /** What is free for `holders` together: stock − the live holds of everyone else (may be negative after a stock cut). */
  private freeFor(holders: readonly string[], variantId: string, now: number): number {
    const stock = this.sql.exec<{ stock: number }>("SELECT stock FROM stock WHERE variant_id = ?", variantId).toArray()[0]?.stock ?? 0;
    const marks = holders.map(() => "?").join(", ");
    const others = this.sql
      .exec<{ held: number }>(
        `SELECT coalesce(sum(quantity), 0) AS held FROM holds
         WHERE variant_id = ? AND holder NOT IN (${marks}) AND (expires_at IS NULL OR expires_at > ?)`,
        variantId,
        ...holders,
        now,
      )
      .one().held;
    return stock - others;
  }

  private reserveOne(holder: string, variantId: string, quantity: number, ttlMs: number | null, now: number): Reservation {
    const free = this.freeFor([holder], variantId, now);
    if (quantity > free) return { conflict: true, variantId, available: Math.max(0, free) };
    if (quantity === 0) {
      this.sql.exec("DELETE FROM holds WHERE holder = ? AND variant_id = ?", holder, variantId);
    } else {
      const expiresAt = ttlMs === null ? null : now + ttlMs;
      this.sql.exec(
        `INSERT INTO holds (holder, variant_id, quantity, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (holder, variant_id) DO UPDATE SET quantity = excluded.quantity, expires_at = excluded.expires_at`,
        holder,
        variantId,
        quantity,
        expiresAt,
      );
    }
    return { conflict: false, variantId, quantity, available: Math.max(0, free - quantity) };
  }

  private levelOf(variantId: string, now: number): StockLevel {
    const stock = this.sql.exec<{ stock: number }>("SELECT stock FROM stock WHERE variant_id = ?", variantId).toArray()[0]?.stock ?? 0;
    return { variantId, stock, available: Math.max(0, this.freeFor([], variantId, now)) };
  }

  /** Makes sure the alarm fires by the earliest expiry of a hold (holds with a time to live only). */
  private async planExpiry(): Promise<void> {
    const next = this.sql.exec<{ at: number | null }>("SELECT min(expires_at) AS at FROM holds WHERE expires_at IS NOT NULL").one().at;
    if (next === null) return;
    const at = await this.ctx.storage.getAlarm();
    if (at === null || at > next) await this.ctx.storage.setAlarm(next);
  }

  /** After a change: the alarm for the next expiry, then the D1 mirror of the variants it touched. */
  private async after(variantIds: readonly string[]): Promise<void> {
    await this.planExpiry();
    await this.mirror(variantIds);
  }

  /**
   * Writes stock/available of `variantIds` into D1 `variants`, stamped with the next version; a row
   * keeps a newer version's values (`inventory_version < ?`), so reordered writes cannot lose. The
   * values and the version are taken synchronously, right after the change; a failed write marks the
   * mirror dirty and the alarm writes everything again shortly.
   */
  private async mirror(variantIds: readonly string[]): Promise<void> {
    const ids = [...new Set(variantIds)];
    if (ids.length === 0) return;
    const now = Date.now();
    const version = this.sql.exec<{ version: number }>("UPDATE mirror SET version = version + 1 RETURNING version").one().version;
    const levels = ids.map((id) => this.levelOf(id, now));
    const db = drizzle(this.env.DB);
    const [first, ...rest] = levels.map((l) =>
      db
        .update(variants)
        .set({ stock: l.stock, available: l.available, inventoryVersion: version })
        .where(and(eq(variants.id, l.variantId), lt(variants.inventoryVersion, version))),
    );
    try {
      if (first) await db.batch([first, ...rest]);
    } catch (err) {
      log(this.env.LOG_LEVEL, "warn", "inventory mirror failed; the alarm retries", { error: String(err) });
      this.sql.exec("UPDATE mirror SET dirty = 1");
      const at = await this.ctx.storage.getAlarm();
      if (at === null || at > now + MIRROR_RETRY_MS) await this.ctx.storage.setAlarm(now + MIRROR_RETRY_MS);
    }
  }
}
