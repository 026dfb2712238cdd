import { log } from "@edgeworks/http";
import { defineConsumer } from "@edgeworks/queue";
import { z } from "zod";

/** The body of a jobs-run message; anything else is dead-lettered by the consumer, never retried. */
export const jobsRunMessage = z.strictObject({ itemId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export type JobsRunMessage = z.infer<typeof jobsRunMessage>;

/** The producer side: one message on the JOBS_RUN_QUEUE queue (validated here too, so a bad send fails at the sender). */
export async function sendJobsRun(queue: Queue<JobsRunMessage>, body: JobsRunMessage): Promise<void> {
  await queue.send(jobsRunMessage.parse(body));
}

/**
 * The consumer of edgeworks-jobs-jobs-run: validated bodies, a failed message retried alone with
 * exponential backoff and jitter, invalid bodies parked on the DLQ with the reason.
 */
export const consumeJobsRun = defineConsumer<Env, JobsRunMessage>({
  name: "jobs-jobs-run",
  schema: jobsRunMessage,
  backoff: { baseSeconds: 2, maxSeconds: 300 },
  deadLetter: (env) => env.JOBS_RUN_QUEUE_DLQ,
  handle: async (body, { env }) => {
    // the work goes here; throw to retry this message (with backoff)
    log(env.LOG_LEVEL, "info", "jobs-run message handled", { itemId: body.itemId });
  },
});
