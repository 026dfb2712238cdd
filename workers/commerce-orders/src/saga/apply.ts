// Runs one saga input against the stored order: read → pure transition → one D1 batch (conditional update
// with the version checked, the saga log row, the outbox rows of the events it publishes, the consumer's
// claim). Raw statements here because the batch mixes them with the contracts' outbox and claim statements.
import {
  type CommerceEvent,
  claimEventStatement,
  type EventCause,
  eventOutboxStatements,
  isDuplicateClaim,
  newEvent,
  type ServiceName,
} from "@edgeworks/commerce-contracts";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import { type OrderLineRow, type OrderRow, orderLines, orders } from "../schema";
import { type SagaEffect, type SagaInput, type SagaState, transition } from "./machine";

/** The log row of the input being applied. */
export interface InputRecord {
  /** The event id (event_in) or a new step id. */
  id: string;
  kind: "event_in" | "step";
  type: string;
  service: ServiceName;
  occurredAt: number;
  causationId: string | null;
  payload: unknown;
}

export type ApplyResult =
  | { kind: "applied"; order: OrderRow; from: SagaState; effects: SagaEffect[]; published: CommerceEvent[] }
  | { kind: "stale"; order: OrderRow; reason: string }
  | { kind: "early"; order: OrderRow; reason: string }
  | { kind: "duplicate" }
  | { kind: "not_found" };

export const stateOf = (row: OrderRow): SagaState => ({
  status: row.status,
  paymentStatus: row.paymentStatus,
  cancelReason: (row.cancelReason as SagaState["cancelReason"]) ?? null,
});

export const newStepId = (): string => `stp_${nanoid(21)}`;

const LOG_INSERT =
  "INSERT INTO order_events (id, order_id, kind, type, service, occurred_at, recorded_at, causation_id, order_version, outcome, payload) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/** A saga log row (an event in or out, or a step). */
export function logStatement(
  d1: D1Database,
  orderId: string,
  row:
    | InputRecord
    | {
        id: string;
        kind: "event_out";
        type: string;
        service: ServiceName;
        occurredAt: number;
        causationId: string | null;
        payload: unknown;
      },
  recordedAt: number,
  orderVersion: number | null,
  outcome: string | null,
): D1PreparedStatement {
  return d1
    .prepare(LOG_INSERT)
    .bind(
      row.id,
      orderId,
      row.kind,
      row.type,
      row.service,
      row.occurredAt,
      recordedAt,
      row.causationId,
      orderVersion,
      outcome,
      JSON.stringify(row.payload ?? null),
    );
}

/** The log row and outbox rows of an event orders publishes. */
export function publishStatements(
  d1: D1Database,
  event: CommerceEvent,
  recordedAt: number,
  orderVersion: number | null,
): D1PreparedStatement[] {
  const at = Date.parse(event.occurredAt);
  return [
    logStatement(
      d1,
      event.correlationId,
      {
        id: event.id,
        kind: "event_out",
        type: event.type,
        service: "orders",
        occurredAt: at,
        causationId: event.causationId,
        payload: event.payload,
      },
      recordedAt,
      orderVersion,
      null,
    ),
    ...eventOutboxStatements(d1, event, recordedAt),
  ];
}

export async function readOrder(d1: D1Database, orderId: string): Promise<OrderRow | undefined> {
  const [row] = await drizzle(d1).select().from(orders).where(eq(orders.id, orderId)).limit(1);
  return row;
}

export async function readLines(d1: D1Database, orderId: string): Promise<OrderLineRow[]> {
  return drizzle(d1).select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(orderLines.position);
}

/** The event an effect publishes. */
async function eventOf(d1: D1Database, order: OrderRow, effect: SagaEffect, cause: EventCause, now: number): Promise<CommerceEvent | null> {
  if (effect.kind !== "publish") return null;
  if (effect.type === "order.confirmed") {
    const lines = await readLines(d1, order.id);
    return newEvent(
      "order.confirmed",
      {
        orderId: order.id,
        userId: order.userId,
        lines: lines.map((l) => ({ productId: l.productId, sku: l.sku, name: l.name, quantity: l.quantity, unitAmount: l.unitAmount })),
        amount: order.amount,
        currency: order.currency,
      },
      cause,
      now,
    );
  }
  return newEvent(
    "order.cancelled",
    {
      orderId: order.id,
      userId: order.userId,
      reason: effect.reason,
      refund: effect.refund,
      amount: order.amount,
      currency: order.currency,
    },
    cause,
    now,
  );
}

const isVersionConflict = (err: unknown) =>
  String(err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : err).includes("order_version");
const isDuplicateLog = (err: unknown) =>
  String(err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : err).includes("UNIQUE constraint failed: order_events.id");

/**
 * Applies one input to an order: the whole transition commits in one batch or not at all. A concurrent
 * transition from the same version makes the batch fail on `order_events_version`; the input is then
 * re-read and re-run (at most 5 times). With `claim`, the consumer's processed-event row is in the batch.
 */
export async function applyInput(
  d1: D1Database,
  orderId: string,
  input: SagaInput,
  record: InputRecord,
  options: {
    cause: EventCause;
    claim?: string;
    now?: () => number;
    /** Write the log row of a stale input (default true); a refused cancel (409) writes nothing. */
    logStale?: boolean;
  },
): Promise<ApplyResult> {
  const now = options.now ?? Date.now;
  for (let attempt = 0; attempt < 5; attempt++) {
    const order = await readOrder(d1, orderId);
    if (!order) return { kind: "not_found" };
    const from = stateOf(order);
    const outcome = transition(from, input);
    const t = now();
    const claim = options.claim ? [claimEventStatement(d1, options.claim, record.id, t)] : [];
    if (outcome.kind === "early") return { kind: "early", order, reason: outcome.reason };
    if (outcome.kind === "stale") {
      if (options.logStale === false && claim.length === 0) return { kind: "stale", order, reason: outcome.reason };
      try {
        await d1.batch([logStatement(d1, orderId, record, t, null, `stale: ${outcome.reason}`), ...claim]);
      } catch (err) {
        if (isDuplicateClaim(err) || isDuplicateLog(err)) return { kind: "duplicate" };
        throw err;
      }
      return { kind: "stale", order, reason: outcome.reason };
    }
    const next = outcome.next;
    const version = order.version + 1;
    const updated: OrderRow = {
      ...order,
      status: next.status,
      paymentStatus: next.paymentStatus,
      cancelReason: next.cancelReason,
      updatedAt: t,
      version,
    };
    const published: CommerceEvent[] = [];
    for (const effect of outcome.effects) {
      const event = await eventOf(d1, updated, effect, options.cause, t);
      if (event) published.push(event);
    }
    const statements = [
      d1
        .prepare(
          "UPDATE orders SET status = ?, payment_status = ?, cancel_reason = ?, updated_at = ?, version = ? WHERE id = ? AND version = ? AND status = ?",
        )
        .bind(next.status, next.paymentStatus, next.cancelReason, t, version, orderId, order.version, order.status),
      logStatement(d1, orderId, record, t, version, `${from.status} → ${next.status}`),
      ...published.flatMap((event) => publishStatements(d1, event, t, null)),
      ...claim,
    ];
    let results: D1Result[];
    try {
      results = await d1.batch(statements);
    } catch (err) {
      if (isDuplicateClaim(err) || isDuplicateLog(err)) return { kind: "duplicate" };
      if (isVersionConflict(err)) continue;
      throw err;
    }
    // the version row makes a lost race fail above; the affected-row count is checked all the same
    if (results[0]?.meta.changes !== 1) throw new Error(`order ${orderId}: transition from version ${order.version} changed no row`);
    return { kind: "applied", order: updated, from, effects: outcome.effects, published };
  }
  throw new Error(`order ${orderId}: 5 concurrent transitions in a row; retry later`);
}

/** A step on the log that does not move the order (payment requested, cart cleared). */
export async function recordStep(
  d1: D1Database,
  orderId: string,
  type: string,
  payload: unknown,
  options: {
    causationId?: string | null;
    now?: number;
    /** The step's `at` on the timeline when it is not the recorded time (payment.requested: the charge's start). */
    occurredAt?: number;
    extra?: D1PreparedStatement[];
  } = {},
): Promise<void> {
  const t = options.now ?? Date.now();
  await d1.batch([
    logStatement(
      d1,
      orderId,
      {
        id: newStepId(),
        kind: "step",
        type,
        service: "orders",
        occurredAt: options.occurredAt ?? t,
        causationId: options.causationId ?? null,
        payload,
      },
      t,
      null,
      null,
    ),
    ...(options.extra ?? []),
  ]);
}
