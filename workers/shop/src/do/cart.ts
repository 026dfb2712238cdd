import { DurableObject } from "cloudflare:workers";
import { ApiError, log, notFound } from "@edgeworks/http";
import { asResult, type MigrationStep, migrate, type Result, unwrap } from "@edgeworks/realtime";
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import {
  CART_HOLD_TTL_MS,
  CART_IDLE_MS,
  type CartKey,
  type CartLine,
  type CartOutcome,
  type CartView,
  type CheckoutStart,
  cartOf,
  type DrainedCart,
  MAX_CART_LINES,
  MAX_LINE_QUANTITY,
  type Reprice,
  type StockConflict,
} from "../cart/cart-client";
import { cartHolder, inventoryOf, orderHolder } from "../cart/inventory-client";
import type { HoldLine } from "../cart/inventory-types";
import { products, variants } from "../catalog/schema";

/** The object's SQLite schema: append a step for every change, never edit a deployed one. */
const MIGRATIONS: readonly MigrationStep[] = [
  `CREATE TABLE lines (
     id TEXT PRIMARY KEY NOT NULL, product_id TEXT NOT NULL, variant_id TEXT NOT NULL UNIQUE, sku TEXT NOT NULL,
     title TEXT NOT NULL, quantity INTEGER NOT NULL, unit_price INTEGER NOT NULL, currency TEXT NOT NULL,
     reserved INTEGER NOT NULL, added_at INTEGER NOT NULL
   );
   CREATE TABLE meta (
     id INTEGER PRIMARY KEY CHECK (id = 1), coupon_code TEXT, updated_at INTEGER NOT NULL, last_checkout TEXT
   );
   INSERT INTO meta (id, coupon_code, updated_at, last_checkout) VALUES (1, NULL, 0, NULL);`,
];

type LineRow = {
  id: string;
  product_id: string;
  variant_id: string;
  sku: string;
  title: string;
  quantity: number;
  unit_price: number;
  currency: string;
  reserved: number;
};

const toLine = (r: LineRow): CartLine => ({
  id: r.id,
  productId: r.product_id,
  variantId: r.variant_id,
  sku: r.sku,
  title: r.title,
  quantity: r.quantity,
  unitPrice: r.unit_price,
  currency: r.currency,
  reserved: r.reserved === 1,
});

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const isId = (s: unknown): s is string => typeof s === "string" && s.length <= 64 && ID.test(s);
const invalid = (path: string, message: string) =>
  new ApiError("validation_failed", message, { errors: [{ path, location: "body", message }] });

function checkQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
    throw invalid("quantity", `Must be an integer in 1..${MAX_LINE_QUANTITY}`);
  }
}

/** Groups lines by product (one Inventory object each). */
function byProduct<T extends { productId: string }>(lines: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const line of lines) out.set(line.productId, [...(out.get(line.productId) ?? []), line]);
  return out;
}

const stockConflict = (variantId: string, available: number): StockConflict => ({
  ok: false,
  code: "conflict",
  detail: available === 0 ? "This variant is out of stock" : `Only ${available} of this variant can be in the cart`,
  variantId,
  available,
});

/**
 * One shopping cart (`CART.idFromName("user:<id>" | "anon:<cartId>")`): its lines with price
 * snapshots in the object's SQLite storage, and their stock held in each product's Inventory object as
 * `cart:<object id>`. Changes run one at a time (a queue inside the object), so the lines and the holds
 * never disagree because of two overlapping requests. After 15 idle minutes the alarm releases the
 * holds (the lines stay, `reserved: false`); the next change or a checkout reserves them again.
 */
export class Cart extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, MIGRATIONS));
  }

  private get holder(): string {
    return cartHolder(this.ctx.id.toString());
  }

  /** The cart as it is (reading changes nothing, not even the idle timer). */
  async view(): Promise<Result<CartView>> {
    return asResult(() => this.snapshot());
  }

  /**
   * Adds `quantity` of a variant (to its line, if there is one): the variant must exist, be live and
   * its product active; a cart has one currency; a line holds 1..99. The stock is reserved first; when
   * not enough is left the cart is unchanged and the conflict says how many this cart can hold.
   */
  async addItem(variantId: string, quantity: number): Promise<CartOutcome> {
    return this.serialOutcome(async () => {
      if (!isId(variantId)) throw invalid("variantId", "Must be an id of 1-64 URL-safe characters");
      checkQuantity(quantity);
      const variant = await this.liveVariant(variantId);
      if (!variant) throw invalid("variantId", "No such variant for sale");
      const lines = this.lines();
      const existing = lines.find((l) => l.variantId === variantId);
      const total = (existing?.quantity ?? 0) + quantity;
      if (total > MAX_LINE_QUANTITY)
        throw invalid("quantity", `A line holds at most ${MAX_LINE_QUANTITY} (the cart has ${existing?.quantity ?? 0})`);
      const other = lines.find((l) => l.currency !== variant.currency);
      if (other) throw invalid("variantId", `This cart is in ${other.currency}; this variant is priced in ${variant.currency}`);
      if (!existing && lines.length >= MAX_CART_LINES)
        throw invalid("variantId", `A cart holds at most ${MAX_CART_LINES} different variants`);
      const held = unwrap(await inventoryOf(this.env, variant.productId).reserve(this.holder, variantId, total, CART_HOLD_TTL_MS));
      if (held.conflict) return stockConflict(variantId, held.available);
      const now = Date.now();
      if (existing) {
        this.sql.exec("UPDATE lines SET quantity = ?, reserved = 1 WHERE id = ?", total, existing.id);
      } else {
        this.sql.exec(
          `INSERT INTO lines (id, product_id, variant_id, sku, title, quantity, unit_price, currency, reserved, added_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
          nanoid(),
          variant.productId,
          variantId,
          variant.sku,
          `${variant.productTitle} (${variant.title})`,
          total,
          variant.price,
          variant.currency,
          now,
        );
      }
      await this.touched(now, variantId);
      return this.snapshot();
    });
  }

  /** Sets a line's quantity (1..99); raising reserves first (a conflict changes nothing), lowering gives stock back. */
  async setQuantity(lineId: string, quantity: number): Promise<CartOutcome> {
    return this.serialOutcome(async () => {
      checkQuantity(quantity);
      const line = this.line(lineId);
      const held = unwrap(await inventoryOf(this.env, line.productId).reserve(this.holder, line.variantId, quantity, CART_HOLD_TTL_MS));
      if (held.conflict) return stockConflict(line.variantId, held.available);
      this.sql.exec("UPDATE lines SET quantity = ?, reserved = 1 WHERE id = ?", quantity, line.id);
      await this.touched(Date.now(), line.variantId);
      return this.snapshot();
    });
  }

  /** Removes a line and releases its stock. */
  async removeItem(lineId: string): Promise<Result<CartView>> {
    return this.serial(async () => {
      const line = this.line(lineId);
      unwrap(await inventoryOf(this.env, line.productId).release(this.holder, line.variantId));
      this.sql.exec("DELETE FROM lines WHERE id = ?", line.id);
      await this.touched(Date.now());
      return this.snapshot();
    });
  }

  /** Empties the cart (lines and coupon) and releases all its stock. */
  async clear(): Promise<Result<CartView>> {
    return this.serial(async () => {
      await this.releaseAll();
      this.sql.exec("DELETE FROM lines");
      this.sql.exec("UPDATE meta SET coupon_code = NULL, updated_at = ?", Date.now());
      await this.ctx.storage.deleteAlarm();
      return this.snapshot();
    });
  }

  /** Sets (or with null removes) the coupon code; the caller has validated it (evaluateCoupon). */
  async setCoupon(code: string | null): Promise<Result<CartView>> {
    return this.serial(async () => {
      if (code !== null && (typeof code !== "string" || code.length === 0 || code.length > 64))
        throw invalid("code", "Must be 1..64 characters");
      this.sql.exec("UPDATE meta SET coupon_code = ?, updated_at = ?", code, Date.now());
      return this.snapshot();
    });
  }

  /** Updates the price snapshots of these variants (checkout found the prices changed). */
  async reprice(prices: readonly Reprice[]): Promise<Result<CartView>> {
    return this.serial(async () => {
      if (!Array.isArray(prices) || prices.length > MAX_CART_LINES * 4) throw invalid("prices", "Too many prices");
      for (const p of prices) {
        if (!Number.isSafeInteger(p.unitPrice) || p.unitPrice < 0) throw invalid("prices", "A price is a non-negative integer");
        this.sql.exec("UPDATE lines SET unit_price = ? WHERE variant_id = ?", p.unitPrice, p.variantId);
      }
      this.sql.exec("UPDATE meta SET updated_at = ?", Date.now());
      return this.snapshot();
    });
  }

  /**
   * Starts a checkout: every line's stock moves from the cart to `order:<orderId>` for `holdMs`, all
   * or nothing across products (re-reserving what the idle alarm released, when still free); then the
   * cart is emptied and its lines and coupon are returned. A short variant leaves the cart and every
   * hold as they were and lists the shortages. Repeating the same orderId returns the same start.
   */
  async beginCheckout(orderId: string, holdMs: number): Promise<Result<CheckoutStart>> {
    return this.serial(async (): Promise<CheckoutStart> => {
      if (!isId(orderId)) throw invalid("orderId", "Must be an id of 1-64 URL-safe characters");
      if (!Number.isSafeInteger(holdMs) || holdMs <= 0) throw invalid("holdMs", "Must be a positive integer");
      const last = this.sql.exec<{ last_checkout: string | null }>("SELECT last_checkout FROM meta").one().last_checkout;
      if (last) {
        const started = JSON.parse(last) as CheckoutStart;
        if (!started.conflict && started.orderId === orderId) return started;
      }
      const view = this.snapshot();
      if (view.lines.length === 0 || view.currency === null) throw invalid("cart", "The cart is empty");
      const groups = [...byProduct(view.lines)];
      const to = orderHolder(orderId);
      const outcomes = await Promise.all(
        groups.map(async ([productId, lines]) => ({
          productId,
          lines: lines.map((l): HoldLine => ({ variantId: l.variantId, quantity: l.quantity })),
          result: unwrap(await inventoryOf(this.env, productId).transfer(this.holder, to, holdLinesOf(lines), holdMs)),
        })),
      );
      const shortages = outcomes.flatMap((o) => (o.result.conflict ? o.result.shortages : []));
      if (shortages.length > 0) {
        // give back what did move, so a failed start changes nothing
        await Promise.all(
          outcomes
            .filter((o) => !o.result.conflict)
            .map(async (o) => inventoryOf(this.env, o.productId).transfer(to, this.holder, o.lines, CART_HOLD_TTL_MS)),
        );
        return { conflict: true, shortages };
      }
      const started: CheckoutStart = {
        conflict: false,
        orderId,
        lines: view.lines.map((l) => ({ ...l, reserved: true })),
        couponCode: view.couponCode,
        currency: view.currency,
        subtotal: view.subtotal,
      };
      this.sql.exec("DELETE FROM lines");
      this.sql.exec("UPDATE meta SET coupon_code = NULL, updated_at = ?, last_checkout = ?", Date.now(), JSON.stringify(started));
      await this.ctx.storage.deleteAlarm();
      return started;
    });
  }

  /**
   * Undoes the last {@link beginCheckout} when its order could not be created (checkout's compensation):
   * its lines come back (added to any the cart has gained since, capped at 99) and the order's holds
   * move back to the cart; what is no longer free comes back unreserved. False when `orderId` is not
   * this cart's last checkout start (or was undone already).
   */
  async cancelCheckout(orderId: string): Promise<Result<boolean>> {
    return this.serial(async () => {
      const last = this.sql.exec<{ last_checkout: string | null }>("SELECT last_checkout FROM meta").one().last_checkout;
      const started = last ? (JSON.parse(last) as CheckoutStart) : null;
      if (!started || started.conflict || started.orderId !== orderId) return false;
      const now = Date.now();
      const mine = this.lines();
      for (const line of started.lines) {
        const existing = mine.find((m) => m.variantId === line.variantId);
        if (existing) {
          this.sql.exec("UPDATE lines SET quantity = min(?, quantity + ?) WHERE id = ?", MAX_LINE_QUANTITY, line.quantity, existing.id);
        } else {
          this.sql.exec(
            `INSERT INTO lines (id, product_id, variant_id, sku, title, quantity, unit_price, currency, reserved, added_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
            line.id,
            line.productId,
            line.variantId,
            line.sku,
            line.title,
            line.quantity,
            line.unitPrice,
            line.currency,
            now,
          );
        }
      }
      if (started.couponCode !== null) this.sql.exec("UPDATE meta SET coupon_code = coalesce(coupon_code, ?)", started.couponCode);
      this.sql.exec("UPDATE meta SET last_checkout = NULL");
      // the order's holds become the cart's again (its own quantities win where the cart gained units meanwhile)
      const lines = this.lines();
      await Promise.all(
        [...byProduct(lines)].map(async ([productId, group]) => {
          const inventory = inventoryOf(this.env, productId);
          const moved = unwrap(await inventory.mergeHolds(orderHolder(orderId), this.holder, holdLinesOf(group), CART_HOLD_TTL_MS));
          for (const granted of moved.lines) {
            const line = group.find((l) => l.variantId === granted.variantId);
            this.sql.exec(
              "UPDATE lines SET reserved = ? WHERE variant_id = ?",
              line && granted.quantity >= line.quantity ? 1 : 0,
              granted.variantId,
            );
          }
        }),
      );
      this.sql.exec("UPDATE meta SET updated_at = ?", now);
      await this.ctx.storage.setAlarm(now + CART_IDLE_MS);
      return true;
    });
  }

  /** Hands this cart's lines, coupon and holder to the cart it merges into, and empties itself (its holds are moved by the receiver). */
  async drain(): Promise<Result<DrainedCart>> {
    return this.serial(async (): Promise<DrainedCart> => {
      const view = this.snapshot();
      this.sql.exec("DELETE FROM lines");
      this.sql.exec("UPDATE meta SET coupon_code = NULL, updated_at = ?", Date.now());
      await this.ctx.storage.deleteAlarm();
      return { holder: this.holder, lines: view.lines, couponCode: view.couponCode };
    });
  }

  /**
   * Merges the cart `from` (an anonymous one) into this one: quantities of the same variant add up,
   * capped at 99 and at what is available; the other cart's holds move here; lines in another currency
   * than this cart's are dropped (their stock released). This cart's coupon wins over the other's.
   */
  async absorb(from: CartKey): Promise<Result<CartView>> {
    return this.serial(async () => {
      const drained = unwrap(await cartOf(this.env, from).drain());
      if (drained.lines.length === 0 && drained.couponCode === null) return this.snapshot();
      const mine = this.lines();
      const currency = mine[0]?.currency ?? drained.lines[0]?.currency ?? null;
      const now = Date.now();
      for (const [productId, incoming] of byProduct(drained.lines)) {
        const wanted = incoming
          .filter((l) => l.currency === currency)
          .map((l) => {
            const have = mine.find((m) => m.variantId === l.variantId)?.quantity ?? 0;
            return { line: l, quantity: Math.min(MAX_LINE_QUANTITY, have + l.quantity) };
          });
        const merged = unwrap(
          await inventoryOf(this.env, productId).mergeHolds(
            drained.holder,
            this.holder,
            wanted.map((w) => ({ variantId: w.line.variantId, quantity: w.quantity })),
            CART_HOLD_TTL_MS,
          ),
        );
        for (const { line } of wanted) {
          const granted = merged.lines.find((g) => g.variantId === line.variantId)?.quantity ?? 0;
          const existing = mine.find((m) => m.variantId === line.variantId);
          if (existing && granted === 0) this.sql.exec("DELETE FROM lines WHERE id = ?", existing.id);
          else if (existing) this.sql.exec("UPDATE lines SET quantity = ?, reserved = 1 WHERE id = ?", granted, existing.id);
          else if (granted > 0) {
            this.sql.exec(
              `INSERT INTO lines (id, product_id, variant_id, sku, title, quantity, unit_price, currency, reserved, added_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
              nanoid(),
              line.productId,
              line.variantId,
              line.sku,
              line.title,
              granted,
              line.unitPrice,
              line.currency,
              now,
            );
          }
        }
      }
      if (drained.couponCode !== null) {
        this.sql.exec("UPDATE meta SET coupon_code = coalesce(coupon_code, ?)", drained.couponCode);
      }
      await this.touched(now, ...drained.lines.map((l) => l.variantId));
      return this.snapshot();
    });
  }

  /** Idle: releases every hold of the cart; its lines stay, marked not reserved. */
  override async alarm(): Promise<void> {
    await this.serial(async () => {
      await this.releaseAll();
      this.sql.exec("UPDATE lines SET reserved = 0");
    });
  }

  /** Runs `fn` after every earlier change of this cart has finished (its awaits included). */
  private serial<T>(fn: () => Promise<T>): Promise<Result<T>> {
    const run = this.queue.then(() => asResult(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** {@link serial} for a change that may end in a stock conflict (returned as it is, not as a value). */
  private async serialOutcome(fn: () => Promise<CartView | StockConflict>): Promise<CartOutcome> {
    const result = await this.serial(fn);
    if (!result.ok) return result;
    const value = result.value;
    return "lines" in value ? { ok: true, value } : value;
  }

  private lines(): CartLine[] {
    return this.sql.exec<LineRow>("SELECT * FROM lines ORDER BY added_at, id").toArray().map(toLine);
  }

  private line(lineId: string): CartLine {
    if (!isId(lineId)) throw notFound("Cart line");
    const row = this.sql.exec<LineRow>("SELECT * FROM lines WHERE id = ?", lineId).toArray()[0];
    if (!row) throw notFound("Cart line");
    return toLine(row);
  }

  private snapshot(): CartView {
    const lines = this.lines();
    const meta = this.sql.exec<{ coupon_code: string | null; updated_at: number }>("SELECT coupon_code, updated_at FROM meta").one();
    return {
      id: this.ctx.id.toString(),
      lines,
      couponCode: meta.coupon_code,
      currency: lines[0]?.currency ?? null,
      subtotal: lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0),
      updatedAt: new Date(meta.updated_at).toISOString(),
    };
  }

  /** The variant if it is for sale now: live, and its product active and live. */
  private async liveVariant(variantId: string) {
    return drizzle(this.env.DB)
      .select({
        productId: variants.productId,
        sku: variants.sku,
        title: variants.title,
        price: variants.price,
        currency: variants.currency,
        productTitle: products.title,
      })
      .from(variants)
      .innerJoin(products, eq(products.id, variants.productId))
      .where(and(eq(variants.id, variantId), isNull(variants.deletedAt), isNull(products.deletedAt), eq(products.status, "active")))
      .get();
  }

  /**
   * After a change: the idle timer starts again, and the lines other than `fresh` (those whose stock the
   * change itself just reserved) get their holds renewed, re-reserving what the idle alarm released
   * (a line that cannot be fully held again shows `reserved: false`).
   */
  private async touched(now: number, ...fresh: string[]): Promise<void> {
    this.sql.exec("UPDATE meta SET updated_at = ?", now);
    const rest = this.lines().filter((l) => !fresh.includes(l.variantId));
    await Promise.all(
      [...byProduct(rest)].map(async ([productId, lines]) => {
        const held = unwrap(await inventoryOf(this.env, productId).reserveMany(this.holder, holdLinesOf(lines), CART_HOLD_TTL_MS));
        for (const r of held) {
          this.sql.exec("UPDATE lines SET reserved = ? WHERE variant_id = ?", r.conflict ? 0 : 1, r.variantId);
        }
      }),
    );
    if (this.lines().length === 0) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(now + CART_IDLE_MS);
  }

  /** Releases the cart's holds in every product it has lines of. */
  private async releaseAll(): Promise<void> {
    const productIds = [...new Set(this.lines().map((l) => l.productId))];
    await Promise.all(
      productIds.map(async (productId) => {
        const released = await inventoryOf(this.env, productId).release(this.holder);
        if (!released.ok) log(this.env.LOG_LEVEL, "warn", "cart release failed", { productId, detail: released.detail });
      }),
    );
  }
}

const holdLinesOf = (lines: readonly CartLine[]): HoldLine[] => lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity }));
