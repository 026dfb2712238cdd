import { consumeLogs } from "./logs.queue";
import { commerceGateway } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";

commerceGateway.v1.route("/", itemsRouter);

export default commerceGateway.worker({ queue: consumeLogs });
