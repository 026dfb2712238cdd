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
 * One timer per stream, re-armed on every chunk (no per-read promise race: this is on every proxied response).
 *
 * @example new Response(watchdog(res.body, service.readTimeoutMs, release), res)
 */
export function watchdog(body: ReadableStream<Uint8Array>, gapMs: number, onDone: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stalled: (() => void) | null = null;
  const finish = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (finished) return;
    finished = true;
    onDone();
  };
  const arm = () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => stalled?.(), gapMs);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stalled = () => {
        const error = new ReadTimeoutError(gapMs);
        controller.error(error);
        finish();
        reader.cancel(error).catch(() => undefined);
      };
      arm();
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (finished) return;
        if (done) {
          finish();
          controller.close();
          return;
        }
        arm();
        controller.enqueue(value);
      } catch (error) {
        if (finished) return;
        finish();
        controller.error(error);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
}
