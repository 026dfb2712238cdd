import type { ProductPrice, ServiceLogger } from "@edgeworks/commerce-contracts";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Cart } from "./do/cart";

/** The drizzle database of this Worker (the carts read model). */
export type Db = DrizzleD1Database;

/** What every service function needs. No Hono here. */
export interface ServiceDeps {
  db: Db;
  /** The authenticated user; the cart is theirs (`idFromName(userId)`). */
  userId: string;
  /** Epoch milliseconds; injected so tests can control time. */
  now: () => number;
  /** The user's Cart Durable Object. */
  cart: DurableObjectStub<Cart>;
  /** Catalog's current prices of these products (unknown ones left out); 503 problem when catalog cannot answer. */
  prices: (productIds: string[]) => Promise<ProductPrice[]>;
  logger: ServiceLogger;
}
