// The operators' side over RPC (NotificationsRpc.deadLetters / redrive, used by the gateway's
// /commerce/v1/admin/dlq/notifications-events): the dead letters of the events queue.
import type { DeadLetterView } from "@edgeworks/commerce-contracts";
import { listDeadLetters, redriveDeadLetters } from "@edgeworks/queue";
import { EVENTS_QUEUE_NAME } from "./events.queue";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One page of the dead letters not yet redriven, newest first. */
export async function deadLettersOf(
  env: Env,
  input: { cursor?: string | null | undefined; limit?: number | undefined },
): Promise<{ queue: string; items: DeadLetterView[]; nextCursor: string | null }> {
  const page = await listDeadLetters(env.DB, {
    queue: EVENTS_QUEUE_NAME,
    ...(input.limit ? { limit: input.limit } : {}),
    ...(input.cursor ? { cursor: input.cursor } : {}),
  });
  return {
    queue: EVENTS_QUEUE_NAME,
    items: page.items.map((d) => ({
      id: d.id,
      queue: d.queue,
      body: d.body,
      reason: d.reason === null ? null : d.reason.slice(0, 2000),
      attempts: d.attempts,
      receivedAt: new Date(d.receivedAt).toISOString(),
      redrivenAt: iso(d.redrivenAt),
    })),
    nextCursor: page.nextCursor,
  };
}

/** Sends dead letters (all, or `ids`) back to the events queue; each one once, even when two redrives overlap. */
export async function redrive(
  env: Env,
  input: { ids?: string[] | undefined },
): Promise<{ queue: string; redriven: number; ids: string[] }> {
  const result = await redriveDeadLetters(env.DB, {
    queue: EVENTS_QUEUE_NAME,
    ...(input.ids ? { ids: input.ids } : {}),
    send: async (bodies) => {
      await env.EVENTS_QUEUE.sendBatch(bodies.map((body) => ({ body, contentType: "json" as const })));
    },
  });
  return { queue: EVENTS_QUEUE_NAME, ...result };
}
