import { DurableObject } from "cloudflare:workers";
import { ApiError } from "@edgeworks/http";
import { asResult, type MigrationStep, migrate, type Result } from "@edgeworks/realtime";

/** The object's SQLite schema: append a step for every change, never edit a deployed one. */
const MIGRATIONS: readonly MigrationStep[] = [
  // one row per product in the cart; sku, name, unit amount and currency as catalog priced it when last put
  // (so a product that disappears from catalog can still be shown), the quantity the buyer wants
  `CREATE TABLE lines (
     product_id TEXT PRIMARY KEY NOT NULL,
     sku TEXT NOT NULL,
     name TEXT NOT NULL,
     unit_amount INTEGER NOT NULL,
     currency TEXT NOT NULL,
     quantity INTEGER NOT NULL,
     added_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   )`,
  // the orders this cart was emptied for: clearing for the same order twice is a no-op
  "CREATE TABLE cleared_orders (order_id TEXT PRIMARY KEY NOT NULL, cleared_at INTEGER NOT NULL)",
];

/** At most this many lines (distinct products) per cart. */
export const MAX_LINES = 50;

/** A line as stored: the buyer's quantity and catalog's last known price of the product. */
export interface StoredLine {
  productId: string;
  sku: string;
  name: string;
  unitAmount: number;
  currency: string;
  quantity: number;
  addedAt: number;
  updatedAt: number;
}

/** What `put` needs: the product as catalog priced it now, and the quantity. */
export interface PutLine {
  productId: string;
  sku: string;
  name: string;
  unitAmount: number;
  currency: string;
  quantity: number;
}

type Row = {
  product_id: string;
  sku: string;
  name: string;
  unit_amount: number;
  currency: string;
  quantity: number;
  added_at: number;
  updated_at: number;
};

const toLine = (r: Row): StoredLine => ({
  productId: r.product_id,
  sku: r.sku,
  name: r.name,
  unitAmount: r.unit_amount,
  currency: r.currency,
  quantity: r.quantity,
  addedAt: r.added_at,
  updatedAt: r.updated_at,
});

/**
 * One cart per user (`idFromName(userId)`): its lines and the orders it was cleared for, in the object's
 * own SQLite storage (one writer, so the 50-line and one-currency rules cannot race). RPC methods return a
 * `Result` (expected failures as data); the Worker `unwrap`s it into problem+json.
 */
export class Cart extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // no request reaches the object before its storage is migrated
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, MIGRATIONS));
  }

  #lines(): StoredLine[] {
    return this.ctx.storage.sql.exec<Row>("SELECT * FROM lines ORDER BY added_at, product_id").toArray().map(toLine);
  }

  /** The lines, oldest first. */
  async lines(): Promise<StoredLine[]> {
    return this.#lines();
  }

  /**
   * Sets a product's quantity (adding the line if new). 409 when the cart is in another currency or
   * already has {@link MAX_LINES} other products.
   */
  async put(line: PutLine, now: number): Promise<Result<StoredLine[]>> {
    return asResult(() => {
      const sql = this.ctx.storage.sql;
      const others = sql
        .exec<{ currency: string; n: number }>(
          "SELECT min(currency) AS currency, count(*) AS n FROM lines WHERE product_id != ?",
          line.productId,
        )
        .one();
      if (others.n > 0 && others.currency !== line.currency)
        throw new ApiError(
          "conflict",
          `The cart is in ${others.currency.toUpperCase()}; this product is priced in ${line.currency.toUpperCase()}`,
        );
      const exists = sql.exec("SELECT 1 FROM lines WHERE product_id = ?", line.productId).toArray().length > 0;
      if (!exists && others.n >= MAX_LINES) throw new ApiError("conflict", `A cart holds at most ${MAX_LINES} products`);
      sql.exec(
        `INSERT INTO lines (product_id, sku, name, unit_amount, currency, quantity, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (product_id) DO UPDATE SET sku = excluded.sku, name = excluded.name, unit_amount = excluded.unit_amount,
           currency = excluded.currency, quantity = excluded.quantity, updated_at = excluded.updated_at`,
        line.productId,
        line.sku,
        line.name,
        line.unitAmount,
        line.currency,
        line.quantity,
        now,
        now,
      );
      return this.#lines();
    });
  }

  /** Removes a product's line; 404 when the cart has none. */
  async remove(productId: string): Promise<Result<StoredLine[]>> {
    return asResult(() => {
      const removed = this.ctx.storage.sql.exec("DELETE FROM lines WHERE product_id = ?", productId).rowsWritten;
      if (removed === 0) throw new ApiError("not_found", "This product is not in the cart");
      return this.#lines();
    });
  }

  /** Empties the cart (the buyer's DELETE /cart). */
  async clear(): Promise<void> {
    this.ctx.storage.sql.exec("DELETE FROM lines");
  }

  /** Empties the cart once for `orderId`: true the first time, false (nothing changed) for a repeat. */
  async clearForOrder(orderId: string, now: number): Promise<boolean> {
    const sql = this.ctx.storage.sql;
    const first = sql.exec(
      "INSERT INTO cleared_orders (order_id, cleared_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
      orderId,
      now,
    ).rowsWritten;
    if (first === 0) return false;
    sql.exec("DELETE FROM lines");
    return true;
  }
}
