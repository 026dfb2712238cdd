import { SELF } from "cloudflare:test";
import { createTestClient, newTestUser } from "@edgeworks/testing";
import { expect } from "vitest";

export const BASE = "http://chat.test/chat/v1";

export type Frame = { type: string; [k: string]: any };
export type User = { id: string; token: string };
export type Room = {
  id: string;
  kind: string;
  name: string | null;
  myRole: string;
  members: { userId: string; name?: string | null; role: string; joinedAt?: string }[];
};

/** A fresh user (unique per call, so tests never see each other's data) and their token. */
export const newUser = (scope = "*"): Promise<User> => newTestUser(scope, "u");

/** The product's API as its tests call it (`call`, `ok`): packages/testing's createTestClient. */
export const api = createTestClient(BASE);
/** A request to the Worker; `body` is JSON-encoded unless it is a string. */
export const call = api.call;

export async function createRoom(owner: User, members: User[] = [], name = "Room"): Promise<Room> {
  const res = await call("POST", "/rooms", owner.token, { name, memberIds: members.map((m) => m.id) });
  expect(res.status).toBe(201);
  return (await res.json()) as Room;
}

export async function ticketFor(user: User, roomId: string): Promise<string> {
  const res = await call("POST", `/rooms/${roomId}/ticket`, user.token);
  expect(res.status).toBe(201);
  return ((await res.json()) as { ticket: string }).ticket;
}

/** Opens the room's socket the way a client does (ticket, then upgrade); waits for `ready`. */
export async function connect(user: User, roomId: string, since?: number): Promise<TestSocket> {
  const ticket = await ticketFor(user, roomId);
  const q = new URLSearchParams({ ticket, ...(since === undefined ? {} : { since: String(since) }) });
  const res = await SELF.fetch(`${BASE}/rooms/${roomId}/ws?${q}`, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no webSocket on the 101");
  const socket = new TestSocket(ws);
  ws.accept();
  await socket.take((f) => f.type === "ready");
  return socket;
}

/** A client socket that collects frames; `take` waits for (and consumes) the first matching one. */
export class TestSocket {
  readonly frames: Frame[] = [];
  /** Every frame ever received, in order (not consumed by take). */
  readonly all: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private wake: () => void = () => {};

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      const frame = JSON.parse(String(e.data)) as Frame;
      this.frames.push(frame);
      this.all.push(frame);
      this.wake();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    });
  }

  /** Waits for the next frame or close, at most 50 ms; the timer is cleared (a replay of thousands of frames would otherwise leave thousands of them running). */
  private nextFrame(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 50);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  async take(match: (f: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(match);
      if (i >= 0) return this.frames.splice(i, 1)[0] as Frame;
      if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(this.frames).slice(0, 500)}`);
      await this.nextFrame();
    }
  }

  /** Waits until the server closes the socket. */
  async closedWith(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("socket not closed");
      await this.nextFrame();
    }
    return this.closed;
  }

  /**
   * Sends a frame and waits for the first frame matching `answer`. Frames sent back to back through
   * vitest-pool-workers' SELF.fetch socket can reach the room in another order (a real client's socket under
   * wrangler dev keeps them in order), so a test whose assertions depend on that order sends one at a time.
   */
  async exchange(frame: unknown, answer: (f: Frame) => boolean): Promise<Frame> {
    this.send(frame);
    return this.take(answer);
  }

  /** Sends a message and waits for its ack. */
  async post(text: string, clientId = crypto.randomUUID()): Promise<Frame> {
    this.send({ type: "message", clientId, text });
    return this.take((f) => f.type === "ack" && f.clientId === clientId);
  }

  /** Closes from the client side and waits for the server's close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.ws.close(1000, "bye");
    await this.closedWith().catch(() => undefined);
  }
}

/** Polls `check` until it returns a value that is not undefined (for eventually consistent things: queues, presence). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

export { expectProblem } from "@edgeworks/testing";
