import { commerceUsers } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";

commerceUsers.v1.route("/", itemsRouter);

export default commerceUsers.worker();
