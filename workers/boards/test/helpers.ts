import { SELF } from "cloudflare:test";
import { createTestClient, newTestUser } from "@edgeworks/testing";
import { expect } from "vitest";

export const ORIGIN = "http://boards.test";
export const BASE = `${ORIGIN}/boards/v1`;

export type Card = {
  id: string;
  boardId: string;
  listId: string;
  title: string;
  description: string | null;
  pos: string;
  dueAt: string | null;
  labels: string[];
  assignees: string[];
  archived: boolean;
  version: number;
  checklists: { id: string; title: string; items: { id: string; text: string; done: boolean }[] }[];
  comments: { id: string; authorId: string; text: string; createdAt: string; editedAt: string | null }[];
  attachments: { id: string; filename: string; contentType: string; size: number }[];
  blockedBy: string[];
  blocks: string[];
};
export type List = { id: string; boardId: string; name: string; pos: string; done: boolean; archived: boolean };
export type Board = {
  id: string;
  name: string;
  isTemplate: boolean;
  role: string;
  seq: number;
  members: { userId: string; role: string }[];
  lists: (List & { cards: Card[] })[];
};
export type User = { id: string; token: string };

/** A fresh user (unique per call, so tests never see each other's data) and their token. */
export const newUser = (scope = "*"): Promise<User> => newTestUser(scope);

/** The product's API as its tests call it (`call`, `ok`): packages/testing's createTestClient. */
export const api = createTestClient(BASE);
/** A request to the API; `body` is JSON-encoded unless it is a string. */
export const call = api.call;

/** Calls and expects `status`, returning the JSON body. */
export const ok = api.ok;

export const createBoard = (u: User, name = "A board") => ok<Board>(call("POST", "/boards", u.token, { name }), 201);
export const getBoard = (u: User, id: string) => ok<Board>(call("GET", `/boards/${id}`, u.token));
export const createList = (u: User, boardId: string, body: Record<string, unknown> = {}) =>
  ok<List>(call("POST", `/boards/${boardId}/lists`, u.token, { name: "A list", ...body }), 201);
export const createCard = (u: User, listId: string, body: Record<string, unknown> = {}) =>
  ok<Card>(call("POST", `/lists/${listId}/cards`, u.token, { title: "A card", ...body }), 201);
export const addMember = (admin: User, boardId: string, user: User, role = "member") =>
  ok(call("POST", `/boards/${boardId}/members`, admin.token, { userId: user.id, role }), 201);

/** A board with one admin, a member and an observer, and one list. */
export async function team() {
  const [admin, member, observer, stranger] = await Promise.all([newUser(), newUser(), newUser(), newUser()]);
  const board = await createBoard(admin as User);
  await addMember(admin as User, board.id, member as User, "member");
  await addMember(admin as User, board.id, observer as User, "observer");
  const list = await createList(admin as User, board.id, { name: "To do" });
  return { admin: admin as User, member: member as User, observer: observer as User, stranger: stranger as User, board, list };
}

/** Card titles of every list, in order, as one reader sees them. */
export async function order(u: User, boardId: string): Promise<Record<string, string[]>> {
  const b = await getBoard(u, boardId);
  return Object.fromEntries(b.lists.map((l) => [l.name, l.cards.map((c) => c.title)]));
}

export const ticketFor = async (u: User, boardId: string) =>
  (await ok<{ ticket: string; expiresAt: string }>(call("POST", `/boards/${boardId}/ticket`, u.token), 201)).ticket;

export type Frame = { type: string; seq?: number; [k: string]: unknown };

/** A test WebSocket client: collects frames and waits for the ones a test expects. */
export class Client {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      this.frames.push(JSON.parse(e.data as string) as Frame);
      this.notify();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.notify();
    });
  }

  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `pred` holds over the frames received so far (5 s at most). */
  async until(pred: (frames: Frame[]) => boolean, what = "frames"): Promise<Frame[]> {
    const deadline = Date.now() + 5000;
    while (!pred(this.frames)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.frames;
  }

  events(): Frame[] {
    return this.frames.filter((f) => typeof f.seq === "number" && f.type !== "ready");
  }

  close() {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}

/** Opens the board's socket with a fresh ticket (or the given one); returns the response when refused. */
export async function connect(boardId: string, ticket: string, since?: number): Promise<Response> {
  const q = new URLSearchParams({ ticket });
  if (since !== undefined) q.set("since", String(since));
  return SELF.fetch(`${BASE}/boards/${boardId}/ws?${q}`, { headers: { Upgrade: "websocket" } });
}

export async function openClient(u: User, boardId: string, since?: number): Promise<Client> {
  const res = await connect(boardId, await ticketFor(u, boardId), since);
  expect(res.status).toBe(101);
  const ws = res.webSocket as WebSocket;
  ws.accept();
  const client = new Client(ws);
  await client.until((f) => f.some((x) => x.type === "ready"), "ready");
  return client;
}

export { expectProblem } from "@edgeworks/testing";
