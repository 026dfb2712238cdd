import { ApiError, createRouter, errors, iso, jsonResponse, notFound, problemSchema, upgradeRequired } from "@edgeworks/http";
import { authenticateIfPresent, type OptionalAuthEnv } from "@edgeworks/product";
import { isUpgrade, type Result, refusalToError, unwrap } from "@edgeworks/realtime";
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { depsOf, type JobsEnv } from "../product";
import { queueKeyOf } from "../queue-view";
import { openQueueOrThrow } from "../queues.service";
import { queues } from "../schema";
import { QUEUE_ID_PATTERN, queueParams } from "../validation";

/** What the routes need of the queue's QueueScheduler beyond the engine contract: the live hub's two doors. */
interface LiveHost {
  liveTicket(userId: string): Promise<Result<{ ticket: string; expiresAt: number }>>;
  fetch(request: Request): Promise<Response>;
}

const liveHost = (env: Env, queueKey: string): LiveHost =>
  // the class composes LiveHub (src/web/live.ts) and exposes these two
  env.QUEUE_SCHEDULER.get(env.QUEUE_SCHEDULER.idFromName(queueKey)) as unknown as LiveHost;

/** Either no credential of the document's schemes (a ticket in the query) or a Bearer one. */
const OPTIONAL_BEARER: Record<string, string[]>[] = [{}, { bearerAuth: [] }];
const TICKET = /^[A-Za-z0-9_-]{20,100}$/;
const badTicket = () => new ApiError("unauthorized", "The ticket is invalid, expired or already used");

const ticketSchema = z
  .object({
    ticket: z.string().openapi({ description: "Single use, valid 60 s: pass it as `ticket` to the live endpoint" }),
    expiresAt: z.iso.datetime().openapi({ example: "2026-12-05T10:00:00.000Z" }),
    url: z.string().openapi({ description: "The live endpoint of this queue with the ticket (a path: use ws:// or wss:// on this host)" }),
  })
  .openapi("LiveTicket");

const liveQuery = z.object({
  ticket: z.string().optional().openapi({
    description: "From `POST /jobs/v1/queues/{q}/live/ticket`; not needed with an `Authorization` header. Missing or bad: 401",
  }),
});

export const issueLiveTicketRoute = createRoute({
  tags: ["Live"],
  operationId: "issueLiveTicket",
  security: [{ bearerAuth: [] }],
  method: "post",
  path: "/queues/{q}/live/ticket",
  summary: "Get a ticket for the queue's live socket",
  description:
    "A single-use ticket (valid 60 s) for `GET /jobs/v1/queues/{q}/live`, for browsers, which cannot set an " +
    "`Authorization` header on a WebSocket. `url` is the live endpoint with the ticket, by the queue's id.",
  request: { params: queueParams },
  responses: { 201: jsonResponse(ticketSchema, "The ticket"), ...errors(401, 403, 404, 422, 429) },
});

export const openLiveRoute = createRoute({
  tags: ["Live"],
  operationId: "openQueueLive",
  // a single-use ticket (query), or a Bearer credential (header) with jobs:read
  security: OPTIONAL_BEARER,
  method: "get",
  path: "/queues/{q}/live",
  summary: "Open the queue's live socket",
  description:
    "A WebSocket of the queue's dashboard feed: `ready`, then `counts {counts, at, completedPerSecond, failedPerSecond}` " +
    "at once and at most once a second while jobs move (one more with zero rates when they stop), and " +
    '`job {id, name, from, to, at, error?}` for each transition (up to 100 a second). Send `{"type":"ping"}` for a `pong`. ' +
    "Authenticated by a single-use `ticket` (then `{q}` must be the queue's id) or by an `Authorization` header " +
    "(`jobs:read`). A bad ticket is 401, another owner's queue 404, a request without `Upgrade: websocket` 426 " +
    "(a valid ticket stays usable).",
  request: { params: queueParams, query: liveQuery },
  responses: {
    101: { description: "Switching protocols: the socket is open; `ready` and the current `counts` follow" },
    ...errors(401, 403, 404, 422),
    426: { description: "Not a WebSocket request", content: { "application/problem+json": { schema: problemSchema } } },
  },
});

/** The ticket route, behind the guard (`jobs:write`, like every POST). */
export const liveRouter = createRouter<JobsEnv>().openapi(issueLiveTicketRoute, async (c) => {
  const { row } = await openQueueOrThrow(depsOf(c), c.req.valid("param").q);
  const { ticket, expiresAt } = unwrap(await liveHost(c.env, queueKeyOf(row)).liveTicket(c.var.auth.userId));
  const url = `/jobs/v1/queues/${row.id}/live?ticket=${ticket}`;
  return c.json({ ticket, expiresAt: iso(expiresAt), url }, 201);
});

/** Forwards the upgrade to the queue's object, which checks and spends the ticket and takes the socket. */
async function forward(c: Context<OptionalAuthEnv<Env>>, queueKey: string, ticket: string): Promise<Response> {
  const url = `https://scheduler.internal/live?${new URLSearchParams({ ticket })}`;
  const headers = { Upgrade: c.req.header("Upgrade") ?? "", "X-Request-Id": c.get("requestId") };
  const res = await liveHost(c.env, queueKey).fetch(new Request(url, { headers }));
  if (res.status === 101) return res;
  if (res.status === 426) throw upgradeRequired("This endpoint only accepts WebSocket upgrades");
  throw await refusalToError(res);
}

/**
 * The live endpoint, before the guard: its credential is a ticket, or an `Authorization` header checked
 * by `authenticateIfPresent` (`jobs:read`), in which case the route takes a ticket for the caller itself.
 */
export const liveOpenRouter = createRouter<OptionalAuthEnv<Env>>();
liveOpenRouter.use("/queues/:q/live", authenticateIfPresent<Env>({ scope: "jobs:read" }));
liveOpenRouter.openapi(openLiveRoute, async (c) => {
  const { q } = c.req.valid("param");
  if (c.var.auth) {
    // the same request as a guarded one: c.var.auth is set, which is all the two environments differ in
    const { row } = await openQueueOrThrow(depsOf(c as unknown as Context<JobsEnv>), q);
    if (!isUpgrade(c.req.raw)) throw upgradeRequired("This endpoint only accepts WebSocket upgrades");
    const { ticket } = unwrap(await liveHost(c.env, queueKeyOf(row)).liveTicket(c.var.auth.userId));
    return forward(c, queueKeyOf(row), ticket);
  }
  const { ticket } = c.req.valid("query");
  if (!ticket || !TICKET.test(ticket)) throw badTicket();
  // a ticket names no owner: the queue is found by its id alone, and its object checks the ticket
  if (!QUEUE_ID_PATTERN.test(q)) throw notFound("Queue");
  const [row] = await drizzle(c.env.DB).select({ id: queues.id, ownerId: queues.ownerId }).from(queues).where(eq(queues.id, q)).limit(1);
  if (!row) throw notFound("Queue");
  return forward(c, queueKeyOf(row), ticket);
});
