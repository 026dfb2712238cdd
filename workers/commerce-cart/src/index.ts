import { commerceCart } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";
export { Cart } from "./do/cart";

commerceCart.v1.route("/", itemsRouter);

export default commerceCart.worker();
