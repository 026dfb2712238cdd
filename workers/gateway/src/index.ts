import { consumeLogs } from "./logs.queue";
import { gateway } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";
export { ServiceHealth } from "./do/service-health";

gateway.v1.route("/", itemsRouter);

export default gateway.worker({ queue: consumeLogs });
