import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { api, BASE, call } from "../helpers";

export type Frame = { type: string } & Record<string, unknown>;

/** A client socket's frames as they arrive; `take` waits for (and consumes) the first that matches. */
export class TestSocket {
  readonly frames: Frame[] = [];
  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener("message", (e) => {
      this.frames.push(JSON.parse(String(e.data)) as Frame);
    });
  }

  async take(match: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    for (let waited = 0; waited <= timeoutMs; waited += 10) {
      const i = this.frames.findIndex(match);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
  }

  close(): void {
    this.ws.close(1000, "done");
  }
}

/** A live ticket for the queue (`POST …/live/ticket`, 201). */
export async function ticketFor(token: string, queue: string): Promise<{ ticket: string; expiresAt: string; url: string }> {
  return api.ok(call("POST", `/queues/${queue}/live/ticket`, token), 201);
}

/** `GET …/live` through the Worker; an upgrade unless `upgrade: false`. */
export function openLive(queue: string, init: { ticket?: string; token?: string; upgrade?: boolean } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (init.upgrade !== false) headers.Upgrade = "websocket";
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const query = init.ticket === undefined ? "" : `?ticket=${encodeURIComponent(init.ticket)}`;
  return SELF.fetch(`${BASE}/queues/${queue}/live${query}`, { headers });
}

/** A subscribed dashboard socket of the queue (ticket flow), past `ready` and the first `counts`. */
export async function subscribe(token: string, queueId: string): Promise<{ socket: TestSocket; counts: Frame }> {
  const { ticket } = await ticketFor(token, queueId);
  const res = await openLive(queueId, { ticket });
  expect(res.status).toBe(101);
  const socket = new TestSocket(res.webSocket!);
  await socket.take((f) => f.type === "ready");
  return { socket, counts: await socket.take((f) => f.type === "counts") };
}
