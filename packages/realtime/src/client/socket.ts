// What the reconnecting client needs of a socket and of a frame, for browsers and Node alike.

/**
 * The part of a WebSocket the client uses (the browser's, or `ws` in Node).
 *
 * @example const connect = (url: string): SocketLike => new WebSocket(url);
 */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type ConnectionStatus = "connecting" | "online" | "offline" | "closed";

/**
 * Parses a server frame; anything that is not an object with a string `type` is dropped (null).
 *
 * @example socket.onmessage = (ev) => { const frame = parseFrame<ServerFrame>(ev.data); if (frame) handle(frame); };
 */
export function parseFrame<F extends { type: string }>(data: unknown): F | null {
  if (typeof data !== "string") return null;
  try {
    const frame = JSON.parse(data) as { type?: unknown } | null;
    return frame && typeof frame === "object" && typeof frame.type === "string" ? (frame as F) : null;
  } catch {
    return null;
  }
}
