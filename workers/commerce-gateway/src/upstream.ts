// Talking to the services: their bindings by name, hop-by-hop headers, and what a failed hop answers.
import { ApiError, PROBLEM_CONTENT_TYPE } from "@edgeworks/http";

/** Seconds a client should wait after a 503 from an unreachable service. */
export const UPSTREAM_RETRY_AFTER_SECONDS = 5;

/** The binding named `name` in env when it is a service binding (has fetch), else null. */
export function bindingOf(env: object, name: string): Fetcher | null {
  const value = (env as Record<string, unknown>)[name];
  return value && typeof (value as { fetch?: unknown }).fetch === "function" ? (value as Fetcher) : null;
}

/** 503: the service could not be reached (no binding, or the binding threw). */
export const serviceUnavailable = (service: string): ApiError =>
  new ApiError("service_unavailable", `The ${service} service is unavailable`, {
    headers: { "Retry-After": String(UPSTREAM_RETRY_AFTER_SECONDS) },
    extensions: { service },
  });

/**
 * 502: the service answered, but not as a platform service does (a 5xx that is not problem+json: a
 * crashed isolate's error page, a stub). Its body is never shown to the client.
 */
export function badGateway(service: string, upstreamStatus: number, requestId: string | undefined): Response {
  const body = {
    type: "https://edgeworks.dev/problems/bad-gateway",
    title: "Bad gateway",
    status: 502,
    detail: `The ${service} service answered ${upstreamStatus} without a problem document`,
    ...(requestId ? { instance: requestId } : {}),
    code: "bad_gateway",
    service,
  };
  return new Response(JSON.stringify(body), {
    status: 502,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, "Retry-After": String(UPSTREAM_RETRY_AFTER_SECONDS) },
  });
}

/** RFC 9110 §7.6.1 connection-specific headers: never forwarded in either direction. */
export const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
] as const;

/** Removes the hop-by-hop headers, and any header the `Connection` header names, in place. */
export function stripHopByHop(headers: Headers): Headers {
  const named = (headers.get("connection") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
  for (const h of [...HOP_BY_HOP, ...named]) headers.delete(h);
  return headers;
}

/** A promise that rejects after `ms` (for health checks and document fetches; never for the proxy). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

/** A short, safe description of a failed call for `warnings` (no stack, bounded). */
export function describeFailure(err: unknown): string {
  if (err instanceof Error && err.name === "ZodError") return "the answer did not match the contract";
  const text = err instanceof Error ? err.message : String(err);
  return text.slice(0, 200) || "the call failed";
}
