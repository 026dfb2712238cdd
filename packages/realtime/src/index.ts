// @edgeworks/realtime: Durable Object rooms with ticket-checked WebSockets, numbered events with
// resume, presence, one error frame, Result RPCs and versioned SQLite migrations; and the client.
export * from "./client/index";
export * from "./frames";
export * from "./hub";
export * from "./hub-options";
export * from "./migrate";
export * from "./read-frame";
export * from "./refusal";
export * from "./result";
