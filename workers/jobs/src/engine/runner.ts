import { log } from "@edgeworks/http";
import { backoffDelay, type QueueConsumer } from "@edgeworks/queue";
import type { Result } from "@edgeworks/realtime";
import { z } from "zod";
import { BUILTIN_HANDLERS, type HandlerContext, isHandlerCrash, type JobHandler, PermanentError } from "../handlers/registry";
import type { LeasedJob, OutcomeAnswer, RunMessage, RunOutcome, SchedulerApi } from "./types";

/** The body of a jobs-run message (src/engine/types.ts `RunMessage`). */
export const runMessage = z.strictObject({
  queueKey: z.string().min(3).max(200),
  jobId: z.string().min(1).max(200),
  token: z.string().min(1).max(100),
}) satisfies z.ZodType<RunMessage>;

/** How often a running job asks the scheduler whether it was cancelled (and keeps its lease). */
export const CANCEL_POLL_MS = 1000;
const MAX_RESULT_BYTES = 128 * 1024;

type Stub = Pick<SchedulerApi, "start" | "record" | "progress" | "log" | "heartbeat">;
type Handlers = Record<string, { handler: JobHandler }>;

/** The scheduler of a queueKey (`<ownerId>/<queueId>`). */
const schedulerOf = (env: Env, queueKey: string): Stub =>
  env.QUEUE_SCHEDULER.get(env.QUEUE_SCHEDULER.idFromName(queueKey)) as unknown as Stub;

/** What became of one message: ack it, retry it (the outcome is not recorded), or a crash to let through. */
type Outcome = "ack" | "retry" | "crash";

/**
 * The consumer of edgeworks-jobs-jobs-run. Messages are grouped by queueKey; each group's scheduler
 * confirms its dispatches in one `start()` call (a stale token → ack and run nothing), the handlers run
 * concurrently with a `HandlerContext` (its signal aborts on the job's timeout or a cancel), and each
 * message is acked only after the scheduler recorded the outcome (`complete`/`fail`). If recording
 * fails the message is retried; `start()` then restarts the job as a new attempt (it never re-runs a
 * completed one). A HandlerCrash (a simulated isolate death) leaves its message unacked, like a crash.
 */
export function createRunner(handlers: Handlers = BUILTIN_HANDLERS): QueueConsumer<Env> {
  return async function runJobs(batch, env) {
    const groups = new Map<string, { message: Message<unknown>; body: RunMessage }[]>();
    for (const message of batch.messages) {
      const parsed = runMessage.safeParse(message.body);
      if (!parsed.success) {
        // can never run: parked with the reason, never retried
        log(env.LOG_LEVEL, "warn", "invalid jobs-run message", { messageId: message.id });
        await env.JOBS_RUN_QUEUE_DLQ.send(
          { consumer: "jobs-run", messageId: message.id, body: message.body },
          { contentType: "json" },
        ).catch(() => {});
        message.ack();
        continue;
      }
      const group = groups.get(parsed.data.queueKey) ?? [];
      group.push({ message, body: parsed.data });
      groups.set(parsed.data.queueKey, group);
    }
    await Promise.all([...groups].map(([queueKey, items]) => runGroup(env, handlers, queueKey, items)));
  };
}

async function runGroup(
  env: Env,
  handlers: Handlers,
  queueKey: string,
  items: { message: Message<unknown>; body: RunMessage }[],
): Promise<void> {
  const stub = schedulerOf(env, queueKey);
  let started: Result<(LeasedJob | null)[]>;
  try {
    started = await stub.start(items.map(({ body }) => ({ jobId: body.jobId, token: body.token })));
  } catch (err) {
    for (const { message } of items) retry(env, message, err);
    return;
  }
  if (!started.ok) {
    // the queue is gone (destroyed): nothing to run
    for (const { message } of items) message.ack();
    return;
  }
  const leased = started.value;
  const outcomes = new OutcomeBatch(stub);
  await Promise.all(
    items.map(async ({ message }, i) => {
      const job = leased[i];
      if (!job) return message.ack();
      const outcome = await runOne(env, handlers, stub, outcomes, job).catch((err: unknown): Outcome => {
        log(env.LOG_LEVEL, "error", "recording a job outcome failed", { jobId: job.id, error: String(err) });
        return "retry";
      });
      if (outcome === "ack") message.ack();
      else if (outcome === "retry") retry(env, message, "outcome not recorded");
      else message.retry();
    }),
  );
}

function retry(env: Env, message: Message<unknown>, err: unknown): void {
  log(env.LOG_LEVEL, "warn", "jobs-run message retried", { messageId: message.id, error: String(err) });
  message.retry({ delaySeconds: backoffDelay(message.attempts, { baseSeconds: 1, maxSeconds: 30 }) });
}

/**
 * Outcomes finished in the same turn, recorded with one `record` call: a batch of quick jobs costs the
 * scheduler one call instead of one per job.
 */
class OutcomeBatch {
  private pending: { outcome: RunOutcome; resolve: (answer: OutcomeAnswer) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly stub: Stub) {}

  add(outcome: RunOutcome): Promise<OutcomeAnswer> {
    return new Promise((resolve, reject) => {
      this.pending.push({ outcome, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setTimeout(() => void this.flush(), 0);
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const items = this.pending.splice(0);
    try {
      const answer = await this.stub.record(items.map((item) => item.outcome));
      items.forEach((item, i) => {
        item.resolve(answer.ok ? (answer.value[i] ?? { ok: false, code: "internal" }) : { ok: false, code: answer.code });
      });
    } catch (err) {
      for (const item of items) item.reject(err);
    }
  }
}

/** Ack when recorded, or when the lease was lost (another dispatch owns the job now); else retry. */
const settled = (answer: OutcomeAnswer): Outcome => (answer.ok || answer.code === "conflict" ? "ack" : "retry");

/** Runs one job's attempt and records its outcome with the scheduler. */
async function runOne(env: Env, handlers: Handlers, stub: Stub, outcomes: OutcomeBatch, job: LeasedJob): Promise<Outcome> {
  const { id, token } = job;
  const entry = handlers[job.name];
  if (!entry) return settled(await outcomes.add({ id, token, error: { message: `No built-in handler named ${job.name}`, retry: false } }));
  const controller = new AbortController();
  const lines: string[] = [];
  const flushLogs = async () => {
    if (lines.length) await stub.log(job.id, job.token, lines.splice(0));
  };
  const ctx: HandlerContext = {
    env,
    job,
    signal: controller.signal,
    progress: async (percent, message) => {
      await flushLogs();
      const answer = await stub.progress(job.id, job.token, { percent, ...(message === undefined ? {} : { message }) });
      if (!answer.ok) controller.abort(new Error("lease lost"));
      else if (answer.value.cancelRequested) controller.abort(new Error("cancelled"));
    },
    log: (line) => {
      lines.push(String(line));
    },
  };
  const timer = setTimeout(() => controller.abort(new Error(`timeout after ${job.timeout} ms`)), job.timeout);
  const poll = setInterval(() => {
    stub.heartbeat(job.id, job.token).then(
      (answer) => {
        if (!answer.ok) controller.abort(new Error("lease lost"));
        else if (answer.value.cancelRequested) controller.abort(new Error("cancelled"));
      },
      () => {},
    );
  }, CANCEL_POLL_MS);
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });
  let result: unknown;
  let failure: unknown;
  let ok = false;
  try {
    result = await Promise.race([entry.handler(job.payload, ctx), aborted]);
    ok = true;
  } catch (err) {
    failure = err;
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
  }
  aborted.catch(() => {});
  if (!ok && isHandlerCrash(failure)) return "crash";
  await flushLogs().catch(() => {});
  if (ok && new TextEncoder().encode(JSON.stringify(result ?? null)).byteLength > MAX_RESULT_BYTES) {
    ok = false;
    failure = new PermanentError(`The result is over ${MAX_RESULT_BYTES} bytes of JSON`);
  }
  const outcome: RunOutcome = ok
    ? { id, token, result: result ?? null }
    : {
        id,
        token,
        error: {
          message: failure instanceof Error ? failure.message : String(failure),
          ...(failure instanceof Error && failure.stack ? { stack: failure.stack } : {}),
          ...(failure instanceof PermanentError || (failure instanceof Error && failure.name === "PermanentError") ? { retry: false } : {}),
        },
      };
  return settled(await outcomes.add(outcome));
}

/** The Worker's `queue` handler: the built-in handlers of src/handlers/registry.ts. */
export const runJobs = createRunner();
