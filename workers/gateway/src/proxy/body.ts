// The request body of an upstream call: streamed as it comes, except when a retry may have to send it again
// (idempotent method, retries left): then it is kept in memory up to MAX_REPLAY_BYTES.

/** A request body up to this size is kept for a retry; a larger one is sent once. */
export const MAX_REPLAY_BYTES = 1024 * 1024;

/**
 * The body to send on each attempt: the stream once, or, when a retry may need it again and it is at most
 * MAX_REPLAY_BYTES (by Content-Length, or counted while reading a chunked one), its bytes every time. A larger
 * body is sent once (no retry), its already-read start put back in front of the rest.
 *
 * @example const { body, attempts } = await replayableBody(request, 1 + service.retries);
 */
export async function replayableBody(request: Request, attempts: number): Promise<{ body: BodyInit | null; attempts: number }> {
  if (request.body === null || attempts <= 1) return { body: request.body, attempts };
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (Number(declared) > MAX_REPLAY_BYTES) return { body: request.body, attempts: 1 };
    return { body: await request.arrayBuffer(), attempts };
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: concat(chunks, size), attempts };
    chunks.push(value);
    size += value.byteLength;
    if (size > MAX_REPLAY_BYTES) break;
  }
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { body: rest, attempts: 1 };
}

/**
 * The chunks as one array of `size` bytes (their total).
 *
 * @example concat([a, b], a.byteLength + b.byteLength)
 */
export function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
