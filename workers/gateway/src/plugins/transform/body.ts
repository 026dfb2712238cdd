// Reading a JSON body to map it, without ever holding more than the cap: a body over the cap (by its
// Content-Length, or counted while streaming) is handed back whole and untouched.

/** The outcome of {@link readCapped}: the whole body, or a stream that replays what was read plus the rest. */
export type Capped = { kind: "whole"; bytes: Uint8Array } | { kind: "over"; body: ReadableStream<Uint8Array> };

/**
 * Reads `body` up to `max` bytes. Over the cap it stops reading and returns a stream of the same bytes
 * (already-read chunks first, then the unread rest), so the body passes through unchanged.
 *
 * @example const r = await readCapped(request.body, 1 << 20); if (r.kind === "whole") JSON.parse(decode(r.bytes));
 */
export async function readCapped(body: ReadableStream<Uint8Array>, max: number): Promise<Capped> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    if (total > max) return { kind: "over", body: replay(chunks, reader) };
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { kind: "whole", bytes };
}

function replay(chunks: Uint8Array[], reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const head = chunks.shift();
      if (head) return controller.enqueue(head);
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** True for `application/json` and any `+json` media type (parameters ignored). */
export function isJsonType(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json");
}

/** The declared length, or null when absent or not a plain non-negative integer. */
export function declaredLength(headers: Headers): number | null {
  const v = headers.get("content-length");
  if (v === null || v === "" || v.length > 15) return null;
  for (const ch of v) if (ch < "0" || ch > "9") return null;
  return Number(v);
}

/** The result of trying to map a body: a new body text, or why it was left alone. */
export type Mapped =
  | { kind: "mapped"; text: string }
  | { kind: "untouched"; body: ReadableStream<Uint8Array> | null; reason: "too_large" | "not_json" };

/**
 * Reads a JSON body (≤ `max` bytes), applies `map`, and returns the new text; a body over the cap or not
 * valid JSON comes back as a stream of the original bytes.
 *
 * @example const m = await mapJsonBody(req.body, req.headers, 1 << 20, (doc) => applyBodyOps(doc, ops));
 */
export async function mapJsonBody(
  body: ReadableStream<Uint8Array>,
  headers: Headers,
  max: number,
  map: (doc: unknown) => unknown,
): Promise<Mapped> {
  const declared = declaredLength(headers);
  if (declared !== null && declared > max) return { kind: "untouched", body, reason: "too_large" };
  const read = await readCapped(body, max);
  if (read.kind === "over") return { kind: "untouched", body: read.body, reason: "too_large" };
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(read.bytes));
  } catch {
    return { kind: "untouched", body: read.bytes.byteLength ? streamOf(read.bytes) : null, reason: "not_json" };
  }
  return { kind: "mapped", text: JSON.stringify(map(doc)) };
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
}
