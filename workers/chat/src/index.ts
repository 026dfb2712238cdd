import { chat } from "./product";
import { consumeNotify } from "./queues/notify";
import { consumeSearch } from "./queues/search-index";
import { attachmentsRouter } from "./routes/attachments";
import { devRouter } from "./routes/dev";
import { miscRouter } from "./routes/misc";
import { realtimeRouter } from "./routes/realtime";
import { roomsRouter } from "./routes/rooms";
import { webRouter } from "./web/routes";

export { RateLimiter } from "@edgeworks/ratelimit";
export { ChatRoom } from "./do/chat-room";
export { Presence } from "./do/presence";

// the WebSocket endpoint is authenticated by its ticket, so it is on the open router, before the guard
chat.open.route("/", realtimeRouter);
chat.open.route("/", devRouter);
chat.v1.route("/", roomsRouter);
chat.v1.route("/", attachmentsRouter);
chat.v1.route("/", miscRouter);
// the web page at /chat/
chat.app.route("/", webRouter);

export default chat.worker({
  async queue(batch, env) {
    if (batch.queue === "edgeworks-chat-search") return consumeSearch(batch, env);
    if (batch.queue === "edgeworks-chat-notify") return consumeNotify(batch, env);
  },
});
