import type { z } from "zod";
import type { LeasedJob } from "../engine/types";

/** What a built-in handler gets besides its payload (the runner, src/engine/runner.ts, builds it). */
export interface HandlerContext {
  env: Env;
  job: LeasedJob;
  /** Aborts on the job's timeout or a cancel request: long handlers check it and stop. */
  signal: AbortSignal;
  /** Reports progress (0..100) to the scheduler; resolves once it is recorded. */
  progress(percent: number, message?: string): Promise<void>;
  /** Appends a line to the job's log (buffered by the runner). */
  log(line: string): void;
}

/** Runs one attempt: resolves with the job's result (JSON, ≤ 128 KiB serialized) or throws. */
export type JobHandler = (payload: unknown, ctx: HandlerContext) => Promise<unknown>;

/**
 * A failure that another attempt cannot fix (a bad payload, a 4xx answer, an undecodable image):
 * the runner fails the job with `retry: false`, so it goes to the DLQ at once.
 *
 * @example throw new PermanentError("Upstream answered 404")
 */
export class PermanentError extends Error {
  override name = "PermanentError";
}

/**
 * A simulated consumer crash (test.fail with `crash`): the runner does not record an outcome and lets
 * it escape, so the message is not acked, exactly as if the isolate had died mid-batch.
 */
export class HandlerCrash extends Error {
  override name = "HandlerCrash";
  readonly crash = true;
}

/** True for a HandlerCrash, also across module copies (checks the marker, not the class). */
export const isHandlerCrash = (error: unknown): error is HandlerCrash =>
  error instanceof Error && (error as { crash?: unknown }).crash === true && error.name === "HandlerCrash";

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Parses a stored payload; a payload that does not fit (e.g. edited in the DLQ) is a PermanentError. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "payload"}: ${i.message}`);
  throw new PermanentError(`Invalid payload: ${issues.join("; ")}`);
}
