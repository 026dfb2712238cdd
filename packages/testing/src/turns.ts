/** A frame `watchTurns` counts: by default a stored event (it has a `seq` and is not `ready`). */
const isStoredEvent = (data: string): boolean => data.includes('"seq":') && !data.startsWith('{"type":"ready"');

/**
 * Counts the frames each WebSocket is sent per synchronous turn (before the next microtask
 * checkpoint), by watching every `WebSocket.send` of this isolate: a Durable Object under test runs in
 * it, so this shows whether a replay is paged (at most one page per turn) or written all at once.
 * `counts` picks the frames to count (default: stored events); `restore` puts `send` back.
 *
 * @example const turns = watchTurns(); …; expect(turns.maxPerTurn()).toBeLessThanOrEqual(200); turns.restore();
 */
export function watchTurns(counts: (data: string) => boolean = isStoredEvent): { maxPerTurn: () => number; restore: () => void } {
  const send = WebSocket.prototype.send;
  let turn: Map<WebSocket, number> | null = null;
  let max = 0;
  WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBuffer | ArrayBufferView) {
    if (typeof data === "string" && counts(data)) {
      if (turn === null) {
        turn = new Map();
        queueMicrotask(() => {
          turn = null;
        });
      }
      const n = (turn.get(this) ?? 0) + 1;
      turn.set(this, n);
      max = Math.max(max, n);
    }
    return send.call(this, data);
  };
  return {
    maxPerTurn: () => max,
    restore: () => {
      WebSocket.prototype.send = send;
    },
  };
}
