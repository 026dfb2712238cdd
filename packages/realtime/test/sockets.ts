// Test helpers: open the test room's socket through SELF, and a SocketLike over SELF.fetch so the
// reconnecting client can be driven inside workerd.
import { env, SELF } from "cloudflare:test";
import type { SocketLike } from "../src/client";

export { TEST_PAGE } from "./worker";

export type Frame = { type: string; [k: string]: unknown };

export const roomOf = (name: string) => env.ROOM.get(env.ROOM.idFromName(name));

export async function member(room: string, userId: string): Promise<string> {
  await roomOf(room).join(userId);
  return (await roomOf(room).ticket(userId)).ticket;
}

export const wsUrl = (room: string, ticket: string, since?: number) =>
  `https://rt.test/ws?room=${room}&ticket=${ticket}${since === undefined ? "" : `&since=${since}`}`;

export const upgrade = (url: string, upgradeHeader = true) => SELF.fetch(url, { headers: upgradeHeader ? { Upgrade: "websocket" } : {} });

/** An accepted client socket that records every frame and its close. */
export class Recorder {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener("message", (e) => {
      this.frames.push(JSON.parse(String(e.data)) as Frame);
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
    });
  }
  async until(check: (frames: Frame[]) => boolean, what = "frames", timeoutMs = 3000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check(this.frames)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.frames)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

export async function open(room: string, ticket: string, since?: number): Promise<Recorder> {
  const res = await upgrade(wsUrl(room, ticket, since));
  if (!res.webSocket) throw new Error(`no socket: ${res.status} ${await res.text()}`);
  const r = new Recorder(res.webSocket);
  await r.until((f) => f.some((x) => x.type === "ready"), "ready");
  return r;
}

/** A SocketLike whose connection is a SELF.fetch upgrade (workerd has no outbound `new WebSocket` to SELF). */
export class FetchSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  ws: WebSocket | null = null;
  static opened: FetchSocket[] = [];

  constructor(readonly url: string) {
    FetchSocket.opened.push(this);
    void upgrade(url).then((res) => {
      const ws = res.webSocket;
      if (!ws) {
        this.readyState = 3;
        this.onclose?.({ code: 1006, reason: `refused ${res.status}` });
        return;
      }
      ws.accept();
      this.ws = ws;
      this.readyState = 1;
      ws.addEventListener("message", (e) => this.onmessage?.({ data: e.data }));
      ws.addEventListener("close", (e) => {
        this.readyState = 3;
        this.onclose?.({ code: e.code, reason: e.reason });
      });
      this.onopen?.({});
    });
  }
  send(data: string): void {
    this.ws?.send(data);
  }
  close(code?: number, reason?: string): void {
    this.readyState = 3;
    this.ws?.close(code, reason);
  }
}
