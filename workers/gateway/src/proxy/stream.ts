// The read timeout of a streamed upstream body: the longest gap allowed between two chunks. The body passes
// through chunk by chunk (nothing is buffered); when a gap exceeds the limit the stream errors (the client
// sees a cut response) and the upstream body is cancelled.

/** The error a stalled body ends with. */
export class ReadTimeoutError extends Error {
  override name = "ReadTimeoutError";
  constructor(gapMs: number) {
    super(`The upstream sent nothing for ${gapMs} ms`);
  }
}

/**
 * `body` with a watchdog on the gap between chunks; `onDone` runs once when it ends (done, errored or cancelled).
 *
 * @example new Response(watchdog(res.body, service.readTimeoutMs, release), res)
 */
export function watchdog(body: ReadableStream<Uint8Array>, gapMs: number, onDone: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    onDone();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | null = null;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ReadTimeoutError(gapMs)), gapMs);
      });
      try {
        const { done, value } = await Promise.race([reader.read(), stalled]);
        if (done) {
          controller.close();
          finish();
        } else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
        finish();
        reader.cancel(error).catch(() => undefined);
      } finally {
        if (timer !== null) clearTimeout(timer);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
}
