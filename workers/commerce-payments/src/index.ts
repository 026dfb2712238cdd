import { consumeEvents } from "./events.queue";
import { commercePayments } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";

commercePayments.v1.route("/", itemsRouter);

export default commercePayments.worker({ queue: consumeEvents });
