import { consumeEvents } from "./events.queue";
import { commerceNotifications } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";

commerceNotifications.v1.route("/", itemsRouter);

export default commerceNotifications.worker({ queue: consumeEvents });
