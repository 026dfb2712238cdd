import { ApiError, notFound } from "@edgeworks/http";
import { and, asc, eq } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { ChatDeps } from "./deps";
import { pushSubscriptions } from "./schema";

/** Subscriptions per user (browsers × profiles); the oldest make room for a new one. */
const MAX_SUBSCRIPTIONS = 20;

const view = (r: { id: string; endpoint: string; createdAt: number }) => ({
  id: r.id,
  endpoint: r.endpoint,
  createdAt: new Date(r.createdAt).toISOString(),
});

/** Push services are https; in dev (DEV_MODE) a local fake on http://127.0.0.1 or localhost is allowed too. */
function checkEndpoint(env: Env, endpoint: string): void {
  const url = new URL(endpoint);
  const local = env.DEV_MODE === "true" && url.protocol === "http:" && ["127.0.0.1", "localhost"].includes(url.hostname);
  if (url.protocol !== "https:" && !local) {
    throw new ApiError("validation_failed", "The endpoint must be https", {
      errors: [{ path: "endpoint", location: "body", message: "Must be an https URL" }],
    });
  }
}

export async function subscribe(
  { db, userId, now, env }: ChatDeps,
  input: { endpoint: string; keys: { p256dh: string; auth: string } },
): Promise<{ subscription: ReturnType<typeof view>; created: boolean }> {
  checkEndpoint(env, input.endpoint);
  const [existing] = await db
    .select()
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, input.endpoint)));
  if (existing) {
    await db
      .update(pushSubscriptions)
      // subscribing again says the endpoint works: its failure count starts over
      .set({ p256dh: input.keys.p256dh, auth: input.keys.auth, failures: 0, failingSince: null })
      .where(eq(pushSubscriptions.id, existing.id));
    return { subscription: view(existing), created: false };
  }
  const row = { id: nanoid(), userId, endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth, createdAt: now() };
  await db.insert(pushSubscriptions).values(row).onConflictDoNothing();
  const mine = await db
    .select({ id: pushSubscriptions.id })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId))
    .orderBy(asc(pushSubscriptions.createdAt));
  for (const old of mine.slice(0, Math.max(0, mine.length - MAX_SUBSCRIPTIONS))) {
    await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, old.id));
  }
  return { subscription: view(row), created: true };
}

export async function listSubscriptions({ db, userId }: ChatDeps) {
  const rows = await db
    .select()
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId))
    .orderBy(asc(pushSubscriptions.createdAt));
  return { items: rows.map(view) };
}

export async function unsubscribe({ db, userId }: ChatDeps, id: string): Promise<void> {
  const res = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
    .run();
  if (res.meta.changes === 0) throw notFound("Subscription");
}
