import { consumeEvents } from "./events.queue";
import { commerceCatalog } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";
export { Inventory } from "./do/inventory";

commerceCatalog.v1.route("/", itemsRouter);

export default commerceCatalog.worker({ queue: consumeEvents });
