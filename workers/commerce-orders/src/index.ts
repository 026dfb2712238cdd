import { consumeEvents } from "./events.queue";
import { commerceOrders } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";
export { OrderSaga } from "./do/order-saga";

commerceOrders.v1.route("/", itemsRouter);

export default commerceOrders.worker({ queue: consumeEvents });
