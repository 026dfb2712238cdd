import { mountCart } from "./cart/mount";
import { mountCatalog } from "./catalog/mount";
import { mountDashboard } from "./dashboard/mount";
import { consumeEvents } from "./events.queue";
import { mountOrders } from "./orders/mount";
import { shop } from "./product";
import { scheduled } from "./scheduled";

export { RateLimiter } from "@edgeworks/ratelimit";
export { Cart } from "./do/cart";
export { Inventory } from "./do/inventory";

// Each area mounts its own routes (on shop.v1, guarded, or shop.open for anonymous callers and Stripe).
mountCatalog(shop);
mountCart(shop);
mountOrders(shop);
mountDashboard(shop);

export default shop.worker({ queue: consumeEvents, scheduled });
