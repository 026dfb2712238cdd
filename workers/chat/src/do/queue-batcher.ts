import { log } from "@edgeworks/http";

/** Queues take at most 100 messages and 256 KB per sendBatch; stay under both. */
const MAX_MESSAGES = 100;
const MAX_BYTES = 200 * 1024;

/**
 * Collects a room's Queue messages for a few milliseconds and sends them with one `sendBatch`, so a
 * busy room makes one Queue call per burst instead of one per message. Pending timers keep the object
 * from hibernating, so nothing collected is lost to hibernation; a failed send is logged.
 */
export class QueueBatcher {
  private pending: unknown[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly state: DurableObjectState,
    private readonly logLevel: string | undefined,
    private readonly delayMs = 20,
  ) {}

  add(body: unknown): void {
    const size = JSON.stringify(body).length;
    if (this.bytes + size > MAX_BYTES) this.flush();
    this.pending.push(body);
    this.bytes += size;
    if (this.pending.length >= MAX_MESSAGES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

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
