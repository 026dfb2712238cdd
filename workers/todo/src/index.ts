import { todo } from "./product";
import { tagsRouter } from "./routes/tags";
import { todosRouter } from "./routes/todos";

export { RateLimiter } from "@edgeworks/ratelimit";

todo.v1.route("/", todosRouter);
todo.v1.route("/", tagsRouter);

export default todo.worker();
