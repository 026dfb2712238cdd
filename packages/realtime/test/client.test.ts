import { afterEach, describe, expect, it } from "vitest";
import { type ConnectionStatus, RealtimeClient, StopReconnecting } from "../src/client";
import { FetchSocket, type Frame, roomOf, wsUrl } from "./sockets";

const until = async (check: () => boolean, what: string, timeoutMs = 4000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

let client: RealtimeClient<Frame> | undefined;
afterEach(() => client?.stop());

describe("RealtimeClient", () => {
  it("resumes with since = the last event seen, with a fresh ticket per attempt", async () => {
    const room = roomOf("client-resume");
    await room.join("ann");
    const frames: Frame[] = [];
    const statuses: ConnectionStatus[] = [];
    let tickets = 0;
    FetchSocket.opened = [];
    client = new RealtimeClient<Frame>({
      url: (ticket, since) => wsUrl("client-resume", ticket, since),
      ticket: async () => {
        tickets++;
        return (await room.ticket("ann")).ticket;
      },
      connect: (url) => new FetchSocket(url),
      onFrame: (f) => frames.push(f),
      onStatus: (s) => statuses.push(s),
      initialSeq: 0,
      backoff: { minMs: 10, maxMs: 20 },
    });
    client.start();
    await until(() => statuses.includes("online"), "online");
    await room.post("bob", "one");
    await room.post("bob", "two");
    await until(() => client?.lastSeq === 2, "two events");
    // the link drops; events happen meanwhile
    FetchSocket.opened[0]?.ws?.close(1011, "gone");
    await room.post("bob", "three");
    await until(() => FetchSocket.opened.length === 2 && client?.lastSeq === 3, "reconnected and replayed");
    expect(tickets).toBe(2);
    expect(new URL(FetchSocket.opened[1]?.url ?? "").searchParams.get("since")).toBe("2");
    expect(frames.filter((f) => f.type === "said").map((f) => f.seq)).toEqual([1, 2, 3]);
    expect(statuses).toContain("offline");
  });

  it("stops for a stop code and when the ticket callback gives up", async () => {
    const room = roomOf("client-stop");
    await room.join("ann");
    const statuses: string[] = [];
    client = new RealtimeClient<Frame>({
      url: (ticket, since) => wsUrl("client-stop", ticket, since),
      ticket: async () => (await room.ticket("ann")).ticket,
      connect: (url) => new FetchSocket(url),
      onFrame: () => undefined,
      onStatus: (s, detail) => statuses.push(detail ? `${s}: ${detail}` : s),
    });
    client.start();
    await until(() => statuses.includes("online"), "online");
    await room.leave("ann");
    await until(() => statuses.some((s) => s.startsWith("closed")), "closed");
    expect(statuses.at(-1)).toBe("closed: No longer a member");

    const gaveUp: string[] = [];
    const other = new RealtimeClient<Frame>({
      url: () => "unused",
      ticket: async () => {
        throw new StopReconnecting("not a member");
      },
      onFrame: () => undefined,
      onStatus: (s, d) => gaveUp.push(`${s}${d ? `: ${d}` : ""}`),
    });
    other.start();
    await until(() => gaveUp.length === 2, "gave up");
    expect(gaveUp).toEqual(["connecting", "closed: not a member"]);
  });

  it("backs off exponentially with jitter between failed attempts", async () => {
    const attempts: number[] = [];
    client = new RealtimeClient<Frame>({
      url: () => "unused",
      ticket: async () => {
        attempts.push(Date.now());
        throw new Error("offline");
      },
      onFrame: () => undefined,
      backoff: { minMs: 40, maxMs: 160 },
      random: () => 1,
    });
    client.start();
    await until(() => attempts.length === 4, "four attempts");
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    // with random() = 1 the delay is the ceiling: 40, 80, 160 ms
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(gaps[2]).toBeGreaterThanOrEqual(155);
  });
});
