import { mintToken } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { api, createQueue, newUser, submitJob, ZERO_COUNTS } from "../helpers";
import { openLive, subscribe, TestSocket, ticketFor } from "./sockets";

// The queue's live endpoint through the Worker: tickets, the upgrade's refusals, frames from the real
// QueueScheduler, and owners kept apart.

describe("POST /jobs/v1/queues/{q}/live/ticket", () => {
  it("gives the owner a single-use ticket and the endpoint's path by the queue's id", async () => {
    const alice = await newUser();
    const queue = await createQueue(alice.token);
    const issued = await ticketFor(alice.token, queue.name);
    expect(issued).toEqual({
      ticket: expect.stringMatching(/^[A-Za-z0-9_-]{20,100}$/),
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      url: `/jobs/v1/queues/${queue.id}/live?ticket=${issued.ticket}`,
    });
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it("is 404 for another owner's queue and 401 without a credential", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const queue = await createQueue(alice.token);
    await api.problem(api.call("POST", `/queues/${queue.id}/live/ticket`, bob.token), 404, "not_found");
    await api.problem(api.call("POST", `/queues/${queue.id}/live/ticket`), 401, "unauthorized");
  });
});

describe("GET /jobs/v1/queues/{q}/live", () => {
  it("streams the queue: ready, the counts, then each job transition and counts with the new numbers", async () => {
    const alice = await newUser();
    const queue = await createQueue(alice.token);
    const { socket, counts } = await subscribe(alice.token, queue.id);
    expect(counts).toEqual({
      type: "counts",
      counts: ZERO_COUNTS,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      completedPerSecond: 0,
      failedPerSecond: 0,
    });
    const job = await submitJob(alice.token, queue.id);
    expect(await socket.take((f) => f.type === "job" && f.id === job.id)).toEqual({
      type: "job",
      id: job.id,
      name: "external.work",
      from: null,
      to: "waiting",
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const next = await socket.take((f) => f.type === "counts");
    expect(next.counts).toEqual({ ...ZERO_COUNTS, waiting: 1 });
    socket.close();
  });

  it("refuses a missing or unknown ticket (401), an unknown queue (404) and a plain request (426, the ticket stays usable)", async () => {
    const alice = await newUser();
    const queue = await createQueue(alice.token);
    await api.problem(openLive(queue.id), 401, "unauthorized");
    await api.problem(openLive(queue.id, { ticket: "x".repeat(43) }), 401, "unauthorized");
    await api.problem(openLive(queue.id, { ticket: "short" }), 401, "unauthorized");
    const { ticket } = await ticketFor(alice.token, queue.id);
    await api.problem(openLive("q_000000000000", { ticket }), 404, "not_found");
    await api.problem(openLive(queue.id, { ticket, upgrade: false }), 426, "upgrade_required");
    const res = await openLive(queue.id, { ticket });
    expect(res.status).toBe(101);
    new TestSocket(res.webSocket!).close();
    // spent
    await api.problem(openLive(queue.id, { ticket }), 401, "unauthorized");
  });

  it("a ticket opens only the queue it was issued for", async () => {
    const alice = await newUser();
    const a = await createQueue(alice.token);
    const b = await createQueue(alice.token);
    const { ticket } = await ticketFor(alice.token, a.id);
    await api.problem(openLive(b.id, { ticket }), 401, "unauthorized");
    // and it was not spent there
    const res = await openLive(a.id, { ticket });
    expect(res.status).toBe(101);
    new TestSocket(res.webSocket!).close();
  });

  it("takes a Bearer credential instead of a ticket: 101 for the owner, 404 for anyone else, 426 without upgrade", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const queue = await createQueue(alice.token);
    const res = await openLive(queue.name, { token: alice.token });
    expect(res.status).toBe(101);
    const socket = new TestSocket(res.webSocket!);
    await socket.take((f) => f.type === "ready");
    await socket.take((f) => f.type === "counts");
    socket.close();
    await api.problem(openLive(queue.id, { token: bob.token }), 404, "not_found");
    await api.problem(openLive(queue.id, { token: alice.token, upgrade: false }), 426, "upgrade_required");
    await api.problem(openLive(queue.id, { token: "not-a-token" }), 401, "unauthorized");
  });

  it("over its header, a jobs:read credential may watch; one without a jobs scope is 403", async () => {
    const owner = await newUser();
    const queue = await createQueue(owner.token);
    const res = await openLive(queue.id, { token: await mintToken({ sub: owner.id, scope: "jobs:read" }) });
    expect(res.status).toBe(101);
    new TestSocket(res.webSocket!).close();
    await api.problem(openLive(queue.id, { token: await mintToken({ sub: owner.id, scope: "chat:read" }) }), 403, "forbidden");
  });

  it("keeps owners apart: Bob's dashboard sees nothing of Alice's jobs", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const qa = await createQueue(alice.token);
    const qb = await createQueue(bob.token);
    const watchA = await subscribe(alice.token, qa.id);
    const watchB = await subscribe(bob.token, qb.id);
    const job = await submitJob(alice.token, qa.id);
    await watchA.socket.take((f) => f.type === "job" && f.id === job.id);
    await watchA.socket.take((f) => f.type === "counts");
    const mine = await submitJob(bob.token, qb.id);
    await watchB.socket.take((f) => f.type === "job" && f.id === mine.id);
    expect(watchB.socket.frames.some((f) => f.id === job.id)).toBe(false);
    watchA.socket.close();
    watchB.socket.close();
  });
});
