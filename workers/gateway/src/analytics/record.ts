import { z } from "zod";
import type { ProxyLogRecord } from "../contract";

// The queue body the consumer accepts: contract.ts's ProxyLogRecord, checked field by field (a message
// that fails can never succeed, so defineBatchConsumer dead-letters it). Unknown extra fields are dropped,
// so an additive change to the contract never dead-letters live traffic. Latencies are stored in whole ms.

const id = z.string().min(1).max(128);
const ms = z
  .number()
  .finite()
  .min(0)
  .max(24 * 60 * 60 * 1000)
  .transform(Math.round);
const bytes = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A ProxyLogRecord as the consumer validates and normalises it. */
export const proxyLogRecord = z.object({
  workspaceId: id,
  requestId: id,
  at: z.number().int().min(0).max(8_640_000_000_000_000),
  routeId: id.nullable(),
  serviceId: id.nullable(),
  consumerId: id.nullable(),
  method: z.string().min(1).max(32),
  // the contract cuts it to 512 already; a longer one is cut here rather than refused
  path: z
    .string()
    .max(8192)
    .transform((p) => p.slice(0, 512)),
  status: z.number().int().min(100).max(599),
  latencyMs: ms,
  upstreamLatencyMs: ms.nullable(),
  targetId: id.nullable(),
  cache: z.enum(["HIT", "MISS", "BYPASS"]).nullable(),
  bytesIn: bytes,
  bytesOut: bytes,
  // a short code by contract; a longer text is cut rather than dead-lettered (the request still happened)
  error: z
    .string()
    .max(8192)
    .transform((e) => e.slice(0, 200))
    .nullable(),
});

/** A validated record (same fields as ProxyLogRecord). */
export type LogRecord = z.output<typeof proxyLogRecord>;

// compile-time: the schema accepts every ProxyLogRecord and yields the same fields back
const _accepts = (r: ProxyLogRecord): z.input<typeof proxyLogRecord> => r;
const _yields = (r: LogRecord): ProxyLogRecord => r;
void _accepts;
void _yields;

/** The one definition of an error in analytics and metrics: the gateway or the upstream answered 5xx. */
export const ERROR_STATUS_MIN = 500;
