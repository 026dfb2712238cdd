import { describe, expect, it } from "vitest";
import { DRAIN_BYTES, readUpTo } from "../src/body";

describe("readUpTo", () => {
  it("returns the whole body when it is within the limit (chunks joined in order)", async () => {
    const chunks = [new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5, 6])];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    expect([...((await readUpTo(body, 6)) ?? [])]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("after refusing a chunked body, reads the rest of a slightly longer one (so the connection stays usable)", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled++ >= 50) controller.close();
        else controller.enqueue(new Uint8Array(1024));
      },
    });
    expect(await readUpTo(body, 4096)).toBeNull();
    expect(pulled).toBe(51); // every chunk read, then the end
  });

  it("stops draining past DRAIN_BYTES, or when the body stalls, and cancels the stream", async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    expect(await readUpTo(endless, 1024)).toBeNull();
    expect(cancelled).toBe(true);
    expect(pulled * 64 * 1024).toBeLessThanOrEqual(DRAIN_BYTES + 3 * 64 * 1024);
    let stalledCancelled = false;
    let first = true;
    const stalled = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (first) controller.enqueue(new Uint8Array(2048));
        first = false;
        return new Promise(() => undefined); // never sends more
      },
      cancel() {
        stalledCancelled = true;
      },
    });
    expect(await readUpTo(stalled, 1024)).toBeNull();
    expect(stalledCancelled).toBe(true);
  });
});
