import { consumeEvents } from "./events.queue";
import { shop } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";
export { Cart } from "./do/cart";

shop.v1.route("/", itemsRouter);

export default shop.worker({ queue: consumeEvents });
