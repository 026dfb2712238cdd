import { DurableObject } from "cloudflare:workers";
import { ApiError } from "@edgeworks/http";
import { asResult, type MigrationStep, migrate, type Result } from "@edgeworks/realtime";

/** The object's SQLite schema: append a step for every change, never edit a deployed one. */
const MIGRATIONS: readonly MigrationStep[] = [
  `CREATE TABLE stock (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
     reserved INTEGER NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
     version INTEGER NOT NULL
   );
   INSERT INTO stock (id, on_hand, reserved, version) VALUES (1, 0, 0, 0);
   CREATE TABLE reservations (
     order_id TEXT PRIMARY KEY NOT NULL,
     quantity INTEGER NOT NULL,
     status TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   ) WITHOUT ROWID;`,
];

/** The most units one product may have on hand. */
export const MAX_ON_HAND = 1_000_000_000;
/** The most units one order may reserve of one product. */
export const MAX_RESERVE = 1_000_000;
const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A product's stock now: `available = onHand − reserved`; `version` grows with every change (for the D1 read model). */
export interface StockLevel {
  onHand: number;
  reserved: number;
  available: number;
  version: number;
}
/** Where one order's reservation of this product stands. */
export type HoldStatus = "none" | "reserved" | "committed" | "released";

/** The answer of `reserve`: `insufficient` when fewer than the quantity are available (nothing was held). */
export interface Reserved {
  status: "reserved" | "committed" | "released" | "insufficient";
  quantity: number;
  level: StockLevel;
}
/** The answer of `commit` and `release`: the status before and after, and how many units moved. */
export interface Transition {
  before: HoldStatus;
  after: HoldStatus;
  quantity: number;
  level: StockLevel;
}

const invalid = (message: string) => new ApiError("validation_failed", message);

function checkOrder(orderId: string): void {
  if (typeof orderId !== "string" || !ORDER_ID.test(orderId)) throw invalid("An order id is 1..64 URL-safe characters");
}
function checkCount(n: number, min: number, max: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid(`${what} is an integer in ${min}..${max}`);
}

/**
 * The stock of one product (`INVENTORY.idFromName(productId)`): units on hand and the reservations of each
 * order, the only place stock changes. Every method reads and writes its SQLite storage synchronously (no
 * await between the check and the write), so calls never interleave and `reserved ≤ onHand` always holds: no
 * oversell however many reservations arrive at once. Each method is idempotent per order id: `reserve` twice
 * holds once, `commit`/`release` of what is already committed/released changes nothing. A reservation
 * moves reserved → committed (on hand −= qty) → released (put back), or reserved → released; a released one
 * is never held again (a redelivered order.created after a cancel reserves nothing).
 */
export class Inventory extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // no request reaches the object before its storage is migrated
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, MIGRATIONS));
  }

  /** The stock now. */
  async level(): Promise<Result<StockLevel>> {
    return asResult(() => this.levelNow());
  }

  /** Sets the units on hand; below what is reserved now is a conflict (nothing changes). */
  async setOnHand(onHand: number): Promise<Result<StockLevel>> {
    return asResult(() => {
      checkCount(onHand, 0, MAX_ON_HAND, "onHand");
      const level = this.levelNow();
      if (onHand < level.reserved) {
        throw new ApiError("conflict", `${level.reserved} units are reserved by open orders; onHand cannot go below that`);
      }
      if (onHand !== level.onHand) this.sql.exec("UPDATE stock SET on_hand = ?, version = version + 1 WHERE id = 1", onHand);
      return this.levelNow();
    });
  }

  /** Holds `quantity` units for `orderId` if that many are available; a second call answers the first's outcome. */
  async reserve(orderId: string, quantity: number): Promise<Result<Reserved>> {
    return asResult((): Reserved => {
      checkOrder(orderId);
      checkCount(quantity, 1, MAX_RESERVE, "quantity");
      const existing = this.holdOf(orderId);
      if (existing) return { status: existing.status, quantity: existing.quantity, level: this.levelNow() };
      const level = this.levelNow();
      if (level.available < quantity) return { status: "insufficient", quantity, level };
      this.sql.exec(
        "INSERT INTO reservations (order_id, quantity, status, updated_at) VALUES (?, ?, 'reserved', ?)",
        orderId,
        quantity,
        Date.now(),
      );
      this.sql.exec("UPDATE stock SET reserved = reserved + ?, version = version + 1 WHERE id = 1", quantity);
      return { status: "reserved", quantity, level: this.levelNow() };
    });
  }

  /** The order is paid: its reserved units leave stock (on hand and reserved both −= qty). Anything else: no change. */
  async commit(orderId: string): Promise<Result<Transition>> {
    return asResult((): Transition => {
      checkOrder(orderId);
      const hold = this.holdOf(orderId);
      if (hold?.status !== "reserved") return this.unchanged(hold);
      this.setStatus(orderId, "committed");
      this.sql.exec(
        "UPDATE stock SET on_hand = on_hand - ?, reserved = reserved - ?, version = version + 1 WHERE id = 1",
        hold.quantity,
        hold.quantity,
      );
      return { before: "reserved", after: "committed", quantity: hold.quantity, level: this.levelNow() };
    });
  }

  /** The order is cancelled: a reservation is freed, committed units go back on hand. Released or none: no change. */
  async release(orderId: string): Promise<Result<Transition>> {
    return asResult((): Transition => {
      checkOrder(orderId);
      const hold = this.holdOf(orderId);
      if (!hold || hold.status === "released") return this.unchanged(hold);
      this.setStatus(orderId, "released");
      if (hold.status === "reserved") {
        this.sql.exec("UPDATE stock SET reserved = reserved - ?, version = version + 1 WHERE id = 1", hold.quantity);
      } else {
        this.sql.exec("UPDATE stock SET on_hand = MIN(on_hand + ?, ?), version = version + 1 WHERE id = 1", hold.quantity, MAX_ON_HAND);
      }
      return { before: hold.status, after: "released", quantity: hold.quantity, level: this.levelNow() };
    });
  }

  /** One order's reservation of this product. */
  async hold(orderId: string): Promise<Result<{ status: HoldStatus; quantity: number }>> {
    return asResult(() => {
      checkOrder(orderId);
      const hold = this.holdOf(orderId);
      return hold ?? { status: "none" as const, quantity: 0 };
    });
  }

  private unchanged(hold: { status: Exclude<HoldStatus, "none">; quantity: number } | null): Transition {
    const status = hold?.status ?? "none";
    return { before: status, after: status, quantity: 0, level: this.levelNow() };
  }

  private setStatus(orderId: string, status: HoldStatus): void {
    this.sql.exec("UPDATE reservations SET status = ?, updated_at = ? WHERE order_id = ?", status, Date.now(), orderId);
  }

  private holdOf(orderId: string): { status: "reserved" | "committed" | "released"; quantity: number } | null {
    const row = this.sql
      .exec<{ status: "reserved" | "committed" | "released"; quantity: number }>(
        "SELECT status, quantity FROM reservations WHERE order_id = ?",
        orderId,
      )
      .toArray()[0];
    return row ?? null;
  }

  private levelNow(): StockLevel {
    const row = this.sql
      .exec<{ on_hand: number; reserved: number; version: number }>("SELECT on_hand, reserved, version FROM stock WHERE id = 1")
      .one();
    return { onHand: row.on_hand, reserved: row.reserved, available: row.on_hand - row.reserved, version: row.version };
  }
}
