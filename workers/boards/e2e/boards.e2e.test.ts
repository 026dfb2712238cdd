import { RealtimeClient, type SocketLike } from "@edgeworks/realtime/client";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";

// BOARDS_E2E_URL points the test at a server that is already running (e.g. a deployment); else it
// starts `pnpm dev` itself.
let dev: Pick<DevServer, "url"> & Partial<DevServer>;
beforeAll(async () => {
  dev = process.env.BOARDS_E2E_URL ? { url: process.env.BOARDS_E2E_URL.replace(/\/+$/, "") } : await startDev();
});
afterAll(async () => {
  await dev?.stop?.();
});

type Frame = { type: string; seq?: number; online?: string[]; [k: string]: unknown };

const call = async <T = unknown>(path: string, init: { method?: string; token?: string; json?: unknown } = {}) => {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${dev.url}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text && res.headers.get("Content-Type")?.includes("json") ? JSON.parse(text) : text) as T,
    headers: res.headers,
  };
};

async function register(name: string) {
  const email = `boards-e2e-${name}-${Date.now()}@example.com`;
  const res = await call<{ user: { id: string }; accessToken: string }>("/auth/v1/register", {
    method: "POST",
    json: { email, password: "correct horse battery staple" },
  });
  expect(res.status).toBe(201);
  return { id: res.body.user.id, token: res.body.accessToken, email };
}

/** A WebSocket client through the front door; resolves once `ready` arrives. */
function open(
  boardId: string,
  ticket: string,
  since?: number,
): Promise<{ ws: WebSocket; frames: Frame[]; until: (p: (f: Frame[]) => boolean) => Promise<void> }> {
  const url = `${dev.url.replace("http", "ws")}/boards/v1/boards/${boardId}/ws?ticket=${ticket}${since === undefined ? "" : `&since=${since}`}`;
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  const until = (pred: (f: Frame[]) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`timeout: ${JSON.stringify(frames)}`)), 10_000);
      const check = () => {
        if (pred(frames)) {
          clearTimeout(deadline);
          ws.off("message", check);
          resolve();
        }
      };
      ws.on("message", check);
      check();
    });
  ws.on("message", (data) => frames.push(JSON.parse(String(data)) as Frame));
  return new Promise((resolve, reject) => {
    ws.once("unexpected-response", (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once("error", reject);
    until((f) => f.some((x) => x.type === "ready")).then(() => resolve({ ws, frames, until }), reject);
  });
}

/** The status a refused upgrade gets. */
const refusal = (boardId: string, ticket: string) =>
  new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`${dev.url.replace("http", "ws")}/boards/v1/boards/${boardId}/ws?ticket=${ticket}`);
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("open", () => reject(new Error("the socket opened")));
    ws.once("error", () => undefined);
  });

describe("boards under pnpm dev, through the front door", () => {
  it("two users share a board live, race moves, resume after a disconnect and subscribe to the .ics feed", async () => {
    const alice = await register("alice");
    const bob = await register("bob");
    const board = await call<{ id: string }>("/boards/v1/boards", { method: "POST", token: alice.token, json: { name: "E2E" } });
    expect(board.status).toBe(201);
    const boardId = board.body.id;
    // bob is found by email through the accounts directory
    expect(
      (await call(`/boards/v1/boards/${boardId}/members`, { method: "POST", token: alice.token, json: { email: bob.email } })).status,
    ).toBe(201);
    const lists: string[] = [];
    for (const name of ["To do", "Doing", "Done"]) {
      lists.push(
        (await call<{ id: string }>(`/boards/v1/boards/${boardId}/lists`, { method: "POST", token: alice.token, json: { name } })).body.id,
      );
    }
    const cards: string[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await call<{ id: string }>(`/boards/v1/lists/${lists[i % 3]}/cards`, {
        method: "POST",
        token: alice.token,
        json: { title: `card ${i}`, dueAt: `2026-12-${String(10 + i).padStart(2, "0")}T09:00:00Z` },
      });
      cards.push(c.body.id);
    }

    const ticket = async (u: { token: string }) =>
      (await call<{ ticket: string }>(`/boards/v1/boards/${boardId}/ticket`, { method: "POST", token: u.token })).body.ticket;
    const a = await open(boardId, await ticket(alice));
    const bTicket = await ticket(bob);
    const b = await open(boardId, bTicket, 0);
    await a.until((f) => f.some((x) => x.type === "presence" && x.online?.length === 2));
    expect(await refusal(boardId, bTicket)).toBe(401); // single use
    expect(await refusal(boardId, "made-up")).toBe(401);

    // 30 concurrent moves from both users over real HTTP
    const moves = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(`/boards/v1/cards/${cards[i % cards.length]}/move`, {
          method: "POST",
          token: i % 2 ? bob.token : alice.token,
          json: { listId: lists[(i * 7) % 3], pos: i % 3 === 0 ? "top" : "bottom" },
        }),
      ),
    );
    expect(moves.every((m) => m.status === 200)).toBe(true);
    const [va, vb] = await Promise.all(
      [alice, bob].map((u) =>
        call<{ lists: { cards: { id: string; pos: string }[] }[] }>(`/boards/v1/boards/${boardId}`, { token: u.token }),
      ),
    );
    expect(va?.body.lists).toEqual(vb?.body.lists);
    const all = va?.body.lists.flatMap((l) => l.cards.map((c) => c.id)) ?? [];
    expect(new Set(all)).toEqual(new Set(cards));
    await b.until((f) => f.filter((x) => x.type === "card.moved").length === 30);

    // bob drops, alice keeps changing things, bob resumes from his last seq: no gap, no duplicate
    const lastSeq = Math.max(...b.frames.map((f) => f.seq ?? 0));
    b.ws.close();
    await a.until((f) => f.filter((x) => x.type === "presence").at(-1)?.online?.length === 1);
    await call(`/boards/v1/cards/${cards[0]}`, { method: "PATCH", token: alice.token, json: { title: "renamed" } });
    await call(`/boards/v1/cards/${cards[1]}/move`, { method: "POST", token: alice.token, json: { listId: lists[2], pos: "top" } });
    const b2 = await open(boardId, await ticket(bob), lastSeq);
    const replay = b2.frames.filter((f) => f.type !== "ready" && f.type !== "presence");
    expect(replay.map((f) => [f.type, f.seq])).toEqual([
      ["card.updated", lastSeq + 1],
      ["card.moved", lastSeq + 2],
    ]);
    a.ws.close();
    b2.ws.close();

    // the reconnecting client of packages/realtime: its link dies, it takes a fresh ticket and resumes
    const sockets: WebSocket[] = [];
    const seen: Frame[] = [];
    let tickets = 0;
    const client = new RealtimeClient<Frame>({
      url: (t, since) => `${dev.url.replace("http", "ws")}/boards/v1/boards/${boardId}/ws?ticket=${t}&since=${since}`,
      ticket: async () => {
        tickets++;
        return ticket(bob);
      },
      connect: (url) => {
        const ws = new WebSocket(url);
        sockets.push(ws);
        return ws as unknown as SocketLike; // ws speaks the browser's on* handler API
      },
      onFrame: (f) => seen.push(f),
      initialSeq: lastSeq + 2,
      backoff: { minMs: 50, maxMs: 200 },
    });
    client.start();
    await expect.poll(() => seen.some((f) => f.type === "ready")).toBe(true);
    sockets[0]?.terminate();
    await call(`/boards/v1/cards/${cards[2]}`, { method: "PATCH", token: alice.token, json: { title: "while away" } });
    await expect.poll(() => client.lastSeq, { timeout: 15_000 }).toBe(lastSeq + 3);
    expect(tickets).toBe(2);
    expect(new URL(sockets[1]?.url ?? "").searchParams.get("since")).toBe(String(lastSeq + 2));
    expect(seen.filter((f) => f.type === "card.updated").map((f) => f.seq)).toEqual([lastSeq + 3]);
    client.stop();

    // the calendar feed, fetched without credentials like a calendar app, parsed by ical.js
    const feed = await call<{ url: string }>("/boards/v1/calendar-feed", { method: "POST", token: bob.token });
    expect(feed.body.url.startsWith(`${dev.url}/boards/v1/calendar/`)).toBe(true);
    const ics = await fetch(feed.body.url);
    expect(ics.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    const events = new ICAL.Component(ICAL.parse(await ics.text())).getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.uid).sort()).toEqual(cards.map((id) => `${id}@boards.edgeworks`).sort());
    expect(events.find((e) => e.uid.startsWith(cards[0] as string))?.summary).toBe("renamed");
  });
});
