// The client side of @edgeworks/realtime: frame types and the reconnecting client, with no server
// code and no zod at runtime, so a web page bundle stays small.
export type {
  ControlFrame,
  ErrorFrame,
  EventFrame,
  PingFrame,
  PongFrame,
  PresenceFrame,
  ReadyFrame,
} from "../frames";
export { RealtimeClient, type RealtimeClientOptions, StopReconnecting } from "./reconnecting";
export { type ConnectionStatus, parseFrame, type SocketLike } from "./socket";
