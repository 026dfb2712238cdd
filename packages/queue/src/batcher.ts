import { log } from "@edgeworks/http";
import { MAX_BATCH_BYTES, MAX_BATCH_MESSAGES } from "./send-batches";

/**
 * Collects Queue messages for a few milliseconds and sends them with one `sendBatch`, so a busy
 * Durable Object makes one Queue call per burst instead of one per message. Pending timers keep the
 * object from hibernating, so nothing collected is lost to hibernation; a failed send is logged.
 *
 * @example
 * this.searchQueue = new QueueBatcher(env.SEARCH_QUEUE, ctx, env.LOG_LEVEL);
 * this.searchQueue.add({ kind: "upsert", messageId });
 */
export class QueueBatcher {
  private pending: unknown[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly state: { waitUntil(promise: Promise<unknown>): void },
    private readonly logLevel: string | undefined,
    private readonly delayMs = 20,
  ) {}

  /** Adds one body; sends at once when the batch would pass 100 messages or about 200 KB. */
  add(body: unknown): void {
    const size = JSON.stringify(body).length;
    if (this.bytes + size > MAX_BATCH_BYTES) this.flush();
    this.pending.push(body);
    this.bytes += size;
    if (this.pending.length >= MAX_BATCH_MESSAGES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Sends what is pending now (kept alive by the state's `waitUntil`). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.bytes = 0;
    if (batch.length === 0) return;
    this.state.waitUntil(
      this.queue
        .sendBatch(batch.map((body) => ({ body })))
        .catch((err) => log(this.logLevel, "error", "queue send failed", { error: String(err), messages: batch.length })),
    );
  }
}
