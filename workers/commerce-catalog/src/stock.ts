import { unwrap } from "@edgeworks/realtime";
import { and, eq, lt } from "drizzle-orm";
import type { Db } from "./deps";
import type { Inventory, StockLevel } from "./do/inventory";
import { products } from "./schema";

/** The Inventory object of one product. */
export const inventoryOf = (ns: DurableObjectNamespace<Inventory>, productId: string): DurableObjectStub<Inventory> =>
  ns.get(ns.idFromName(productId));

/** The stock of a product now, from its object. */
export async function stockLevel(ns: DurableObjectNamespace<Inventory>, productId: string): Promise<StockLevel> {
  return unwrap(await inventoryOf(ns, productId).level());
}

/** Writes a level into the D1 read model unless a newer one is there already (drizzle, for the HTTP side). */
export async function mirrorLevel(db: Db, productId: string, level: StockLevel): Promise<void> {
  await db
    .update(products)
    .set({ onHand: level.onHand, reserved: level.reserved, stockVersion: level.version })
    .where(and(eq(products.id, productId), lt(products.stockVersion, level.version)));
}

/** The same as a raw statement, for a consumer's `d1.batch` with the outbox rows. */
export function mirrorStatement(d1: D1Database, productId: string, level: StockLevel): D1PreparedStatement {
  return d1
    .prepare("UPDATE products SET on_hand = ?, reserved = ?, stock_version = ? WHERE id = ? AND stock_version < ?")
    .bind(level.onHand, level.reserved, level.version, productId, level.version);
}
