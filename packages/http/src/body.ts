// Reading a request body under a byte limit. A body that goes over is not simply abandoned: up to
// DRAIN_BYTES more of it (for at most DRAIN_MS) is read and thrown away before the refusal goes out (Go's
// net/http does the same with 256 KiB, then sends `Connection: close`, which a Worker cannot), so the client
// gets its 413 on a connection that stays usable. A body cut mid-way made wrangler dev's proxy fail the next
// request on the same connection (ECONNRESET, or its "worker restarted mid-request" 503): measured with a
// 5 MB chunked body against a 1 MiB limit. Only bytes pass through (nothing is kept or parsed); a longer or
// stalled body is cut off.

/** How much more of an over-limit body is read and discarded (bytes). */
export const DRAIN_BYTES = 16 * 1024 * 1024;
/** How long an over-limit body is drained at most (ms). */
export const DRAIN_MS = 2000;

/** Reads and discards what is left of `reader`, up to DRAIN_BYTES and DRAIN_MS; cancels it beyond. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), DRAIN_MS);
  });
  try {
    for (let left = DRAIN_BYTES; left >= 0; ) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") break;
      if (next.done) return;
      left -= next.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // the client went away: nothing left to drain
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads `body` up to `max` bytes: the bytes, or null once it goes over (the rest drained within bounds, or the
 * stream cancelled). The bytes are held in one buffer that grows by doubling, never past `max`.
 *
 * @example const bytes = await readUpTo(request.body, 1024); if (bytes === null) refuse();
 */
export async function readUpTo(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  let buffer = new Uint8Array(0);
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const offset = size;
    size += value.byteLength;
    if (size > max) {
      await drain(reader);
      return null;
    }
    if (size > buffer.length) {
      const grown = new Uint8Array(Math.min(max, Math.max(size, buffer.length * 2)));
      grown.set(buffer.subarray(0, offset));
      buffer = grown;
    }
    buffer.set(value, offset);
  }
  return buffer.subarray(0, size);
}
