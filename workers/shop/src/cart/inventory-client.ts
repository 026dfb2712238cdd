/** The RPC shapes of the Inventory object. */
export type * from "./inventory-types";

/** The product's Inventory Durable Object (stock and holds of its variants): `INVENTORY.idFromName(productId)`. */
export const inventoryOf = (env: Pick<Env, "INVENTORY">, productId: string) => env.INVENTORY.get(env.INVENTORY.idFromName(productId));

/** The holder name of a cart's holds. */
export const cartHolder = (cartId: string): string => `cart:${cartId}`;

/** The holder name of an order's holds (from checkout until paid or cancelled). */
export const orderHolder = (orderId: string): string => `order:${orderId}`;
