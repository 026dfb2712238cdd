import { safeFetch } from "@edgeworks/egress";
import { type JobHandler, PermanentError, parsePayload } from "./context";
import { egressDns, jobErrorOf } from "./egress";
import { httpRequestPayload } from "./http-request.payload";
import { signatureHeader } from "./signature";

/** Response bodies kept in the result (the job's result is at most 128 KiB of JSON). */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** Response headers copied into the result; cookies and the rest stay out of job records. */
const KEPT_HEADERS = ["content-type", "content-length", "etag", "last-modified", "location", "retry-after", "x-request-id"];
/** The result's body once serialized: escapes (control characters become \u00XX) can make text grow sixfold. */
const MAX_BODY_JSON = 96 * 1024;
const USER_AGENT = "Edgeworks-Jobs/1 (http.request)";

/** A body as JSON (JSON content types), text (text, XML, forms), or null (empty or binary). */
function bodyOf(bytes: Uint8Array, contentType: string): unknown {
  if (bytes.byteLength === 0) return null;
  const text = new TextDecoder().decode(bytes);
  if (/[/+]json\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return /^text\/|[/+]xml\b|x-www-form-urlencoded/i.test(contentType) ? text : null;
}

/** Cuts a body that would serialize past {@link MAX_BODY_JSON} (JSON falls back to its text first). */
function fitBody(body: unknown, bytes: Uint8Array): { body: unknown; cut: boolean } {
  if (JSON.stringify(body).length <= MAX_BODY_JSON) return { body, cut: false };
  let text = typeof body === "string" ? body : new TextDecoder().decode(bytes);
  while (JSON.stringify(text).length > MAX_BODY_JSON) text = text.slice(0, Math.floor(text.length * 0.8));
  return { body: text, cut: true };
}

const secretOf = (env: Env) => (env as Env & { JOBS_SIGNING_SECRET?: string }).JOBS_SIGNING_SECRET?.trim() ?? "";

/**
 * Sends one signed HTTP request to a public URL (SSRF-safe: @edgeworks/egress's safeFetch, every
 * redirect re-checked). Headers added: `X-Edgeworks-Signature` (src/handlers/signature.ts),
 * `X-Edgeworks-Job-Id` and `Idempotency-Key` (the job id, the same on every attempt, so the receiver
 * can fold retries). 2xx → `{status, url, headers, body, truncated}`; 4xx other than 408/429 (and a
 * 3xx that is not a followable redirect) → PermanentError; 408, 429, 5xx, timeouts and network errors
 * → retried with the job's backoff.
 */
export const httpRequest: JobHandler = async (payload, ctx) => {
  const p = parsePayload(httpRequestPayload, payload);
  const secret = secretOf(ctx.env);
  if (!secret) throw new Error("JOBS_SIGNING_SECRET is not configured");
  const body = p.body === undefined ? "" : JSON.stringify(p.body);
  const headers = new Headers(p.headers);
  if (p.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  if (!headers.has("user-agent")) headers.set("user-agent", USER_AGENT);
  headers.set("x-edgeworks-job-id", ctx.job.id);
  headers.set("idempotency-key", ctx.job.id);
  headers.set("x-edgeworks-signature", await signatureHeader(secret, body, Math.floor(Date.now() / 1000)));
  ctx.log(`${p.method} ${p.url}`);
  const response = await safeFetch(
    p.url,
    { method: p.method, headers, body: p.body === undefined ? null : body },
    { dns: egressDns(ctx.env), timeoutMs: p.timeoutMs, signal: ctx.signal, maxBytes: MAX_RESPONSE_BYTES, truncate: true },
  ).catch((error: unknown) => {
    throw jobErrorOf(error, ctx.signal);
  });
  const { status } = response;
  ctx.log(`${status} from ${response.url}${response.redirects ? ` after ${response.redirects} redirect(s)` : ""}`);
  const kept = Object.fromEntries(
    KEPT_HEADERS.flatMap((name) => (response.headers.has(name) ? [[name, response.headers.get(name) as string]] : [])),
  );
  const fitted = fitBody(bodyOf(response.body, kept["content-type"] ?? ""), response.body);
  const result = { status, url: response.url, headers: kept, body: fitted.body, truncated: response.truncated || fitted.cut };
  if (status >= 200 && status < 300) return result;
  const snippet = typeof result.body === "string" ? result.body : JSON.stringify(result.body);
  const message = `${p.method} ${p.url} answered ${status}${snippet && snippet !== "null" ? `: ${snippet.slice(0, 300)}` : ""}`;
  if (status === 408 || status === 429 || status >= 500) throw new Error(message);
  throw new PermanentError(message);
};
