import { consumeMail } from "./mail.queue";
import { mail } from "./product";
import { itemsRouter } from "./routes/items";

export { RateLimiter } from "@edgeworks/ratelimit";

mail.v1.route("/", itemsRouter);

export default mail.worker({ queue: consumeMail });
