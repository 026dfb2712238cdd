import { boards } from "./product";
import { attachmentsRouter } from "./routes/attachments";
import { boardsRouter } from "./routes/boards";
import { feedAdminRouter, feedRouter } from "./routes/calendar-feed";
import { cardsRouter } from "./routes/cards";
import { ticketRouter, wsRouter } from "./routes/realtime";

export { RateLimiter } from "@edgeworks/ratelimit";
export { Board } from "./do/board";

// credentials of their own (a WebSocket ticket, a feed secret): on the open router, before the guard
boards.open.route("/", wsRouter);
boards.open.route("/", feedRouter);
boards.v1.route("/", boardsRouter);
boards.v1.route("/", cardsRouter);
boards.v1.route("/", attachmentsRouter);
boards.v1.route("/", ticketRouter);
boards.v1.route("/", feedAdminRouter);

export default boards.worker();
