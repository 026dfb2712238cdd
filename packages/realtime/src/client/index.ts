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
export {
  type ConnectionStatus,
  parseFrame,
  RealtimeClient,
  type RealtimeClientOptions,
  type SocketLike,
  StopReconnecting,
} from "./reconnecting";
