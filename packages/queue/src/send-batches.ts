/** Queues take at most 100 messages and 256 KB per `sendBatch`; stay under both. */
export const MAX_BATCH_MESSAGES = 100;
export const MAX_BATCH_BYTES = 200 * 1024;

/**
 * Sends outbox rows (bodies stored as JSON text) in as few `sendBatch` calls as the limits allow,
 * calling `onSent` with the ids of each batch once the Queue has it.
 */
export async function sendBatches(
  queue: Queue,
  rows: { id: string; body: string }[],
  onSent: (ids: string[]) => Promise<void>,
): Promise<void> {
  let part: { id: string; body: string }[] = [];
  let bytes = 0;
  const flush = async () => {
    if (part.length === 0) return;
    const batch = part;
    part = [];
    bytes = 0;
    await queue.sendBatch(batch.map((r) => ({ body: JSON.parse(r.body) as unknown, contentType: "json" as const })));
    await onSent(batch.map((r) => r.id));
  };
  for (const row of rows) {
    if (bytes + row.body.length > MAX_BATCH_BYTES || part.length >= MAX_BATCH_MESSAGES) await flush();
    part.push(row);
    bytes += row.body.length;
  }
  await flush();
}
