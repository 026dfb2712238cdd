import type { ProxyContext } from "../../contract";
import { isJsonType, readCapped } from "../transform/body";
import { expandTemplate } from "../transform/path";
import type { AggregateCall, AggregateConfig } from "./schema";

/** One call's outcome: its JSON, or why it has none. */
export type CallResult = { name: string; ok: true; body: unknown } | { name: string; ok: false; reason: string };

// Request headers that describe the client's body or make the answer conditional/partial: an aggregate
// call is a fresh GET that must come back whole, as JSON.
const DROPPED = [
  "content-length",
  "content-type",
  "content-encoding",
  "transfer-encoding",
  "range",
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
  "if-range",
];

function serviceIdByName(ctx: ProxyContext, name: string): string | null {
  for (const s of Object.values(ctx.snapshot.services)) if (s.name === name) return s.id;
  return null;
}

async function attempt(ctx: ProxyContext, call: AggregateCall, config: AggregateConfig, signal: AbortSignal): Promise<CallResult> {
  const fail = (reason: string): CallResult => ({ name: call.name, ok: false, reason });
  const serviceId = serviceIdByName(ctx, call.service);
  if (!serviceId) return fail(`unknown service ${call.service}`);
  const path = expandTemplate(call.path, ctx.params);
  if (!path.ok) return fail(path.missing ? `path needs :${path.missing}` : `path ${path.problem}`);
  const headers = new Headers(ctx.request.headers);
  for (const h of DROPPED) headers.delete(h);
  headers.set("accept", "application/json");
  const request = new Request(ctx.request.url, { method: call.method, headers, signal });
  const query = call.forwardQuery ? new URLSearchParams(ctx.upstreamQuery) : new URLSearchParams();
  const res = await ctx.send(serviceId, request, path.path, query);
  if (res.status < 200 || res.status > 299) {
    await res.body?.cancel();
    return fail(`status ${res.status}`);
  }
  if (!isJsonType(res.headers.get("content-type")) || res.body === null) {
    await res.body?.cancel();
    return fail("not JSON");
  }
  const read = await readCapped(res.body, config.maxBodyBytes);
  if (read.kind === "over") {
    await read.body.cancel();
    return fail(`body over ${config.maxBodyBytes} bytes`);
  }
  try {
    return { name: call.name, ok: true, body: JSON.parse(new TextDecoder().decode(read.bytes)) };
  } catch {
    return fail("not JSON");
  }
}

/**
 * Runs one call through ctx.send (so balancing, breakers and retries apply) with a deadline covering the
 * whole body; never throws: a failure, a timeout or a non-JSON answer is a failed result.
 *
 * @example const results = await Promise.all(config.calls.map((c) => runCall(ctx, c, config)));
 */
export async function runCall(ctx: ProxyContext, call: AggregateCall, config: AggregateConfig): Promise<CallResult> {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<CallResult>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve({ name: call.name, ok: false, reason: `timeout after ${config.timeoutMs} ms` });
    }, config.timeoutMs);
  });
  const work = attempt(ctx, call, config, abort.signal).catch(
    (): CallResult => ({ name: call.name, ok: false, reason: "upstream unreachable" }),
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
