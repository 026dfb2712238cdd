import { z } from "zod";
import { type JobHandler, parsePayload, sleep } from "./context";

export const testSleepPayload = z
  .object({
    /** Total time to sleep, 0..600000 ms. */
    ms: z.number().int().min(0).max(600_000),
    /** Report progress this many times (evenly spaced), 1..100. */
    steps: z.number().int().min(1).max(100).optional(),
  })
  .strict();

/** Sleeps `ms` (in `steps` slices, reporting progress after each); stops at once when the signal aborts. */
export const testSleep: JobHandler = async (payload, ctx) => {
  const { ms, steps } = parsePayload(testSleepPayload, payload);
  const slices = steps ?? 1;
  for (let i = 1; i <= slices; i++) {
    await sleep(ms / slices, ctx.signal);
    if (steps) await ctx.progress(Math.round((i / slices) * 100), `step ${i}/${slices}`);
  }
  return { slept: ms };
};
