import { z } from "zod";
import { HandlerCrash, type JobHandler, PermanentError, parsePayload } from "./context";

export const testFailPayload = z
  .object({
    message: z.string().max(1000).optional(),
    /** Throw a PermanentError: no retry, straight to the DLQ. */
    permanent: z.boolean().optional(),
    /** Fail only the first n attempts, then succeed (uses the job's attempt number). */
    failTimes: z.number().int().min(0).max(100).optional(),
    /** Simulate a consumer crash (HandlerCrash, which the runner lets escape): on every attempt… */
    crash: z.boolean().optional(),
    /** …or only on the first n attempts, then succeed. */
    crashTimes: z.number().int().min(1).max(100).optional(),
  })
  .strict();

/**
 * Fails on purpose, for tests and benchmarks. Without `failTimes`/`crashTimes` it fails every attempt;
 * with them it succeeds once the attempt number is past them, returning `{ attempt }`.
 */
export const testFail: JobHandler = async (payload, ctx) => {
  const p = parsePayload(testFailPayload, payload ?? {});
  const attempt = ctx.job.attempt;
  const message = p.message ?? "test.fail failed on purpose";
  if (p.crash || (p.crashTimes !== undefined && attempt <= p.crashTimes)) throw new HandlerCrash(`simulated crash (attempt ${attempt})`);
  if (p.crashTimes !== undefined && p.failTimes === undefined) return { attempt };
  if (p.failTimes !== undefined && attempt > p.failTimes) return { attempt };
  if (p.permanent) throw new PermanentError(message);
  throw new Error(message);
};
