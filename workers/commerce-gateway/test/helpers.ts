import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createTestClient, newTestUser } from "@edgeworks/testing";
import { expect } from "vitest";
import worker from "../src/index";

export const ORIGIN = "http://commerce.test";
export const BASE = `${ORIGIN}/commerce/v1`;

/** The gateway as the front door calls it (SELF). */
export const api = createTestClient(BASE);
export const call = api.call;

export const newUser = (scope = "commerce:read commerce:write") => newTestUser(scope, "user_");
export const newAdmin = () => newTestUser("*", "admin_", ["commerce:admin"]);

const DOCUMENT_PATH = "/commerce/openapi.json";

/**
 * A faked service binding that still answers the real service's OpenAPI document. The response contract check
 * (packages/testing) builds the gateway's merged document with the bindings of the request it checks, once per
 * test file: whatever a test fakes, that document must be the real services' one (and the fake's `seen` must not
 * count the check's request). Tests of the merge itself (`GET /commerce/openapi.json`) keep their fakes as given.
 */
function withRealDocument(key: string, fake: unknown): unknown {
  const real = (env as unknown as Record<string, { fetch?: unknown } | undefined>)[key];
  const fakeFetch = (fake as { fetch?: unknown } | null)?.fetch;
  if (typeof fakeFetch !== "function" || typeof real?.fetch !== "function") return fake;
  const realFetch = real.fetch.bind(real) as (req: Request) => Promise<Response>;
  return {
    ...(fake as object),
    fetch: (input: RequestInfo, init?: RequestInit) => {
      const req = new Request(input, init);
      return new URL(req.url).pathname === DOCUMENT_PATH ? realFetch(req) : (fakeFetch as (req: Request) => Promise<Response>)(req);
    },
  };
}

/** Calls the gateway with some bindings replaced (a service that throws, a low rate limit). */
export async function fetchWith(overrides: Partial<Record<keyof Env, unknown>>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const bindings =
    path === DOCUMENT_PATH ? overrides : Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, withRealDocument(k, v)]));
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, init), { ...env, ...bindings } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A service binding that records what reached it and answers with `answer` (or throws). */
export function fakeService(answer: (req: Request) => Response | Promise<Response>, rpc: Record<string, (...a: never[]) => unknown> = {}) {
  const seen: Request[] = [];
  const binding = {
    fetch: async (input: RequestInfo, init?: RequestInit) => {
      const req = new Request(input, init);
      seen.push(req);
      return answer(req);
    },
    ...rpc,
  };
  return { binding, seen };
}

export const throwing = () =>
  fakeService(() => {
    throw new Error("connection refused");
  });

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A 503 problem naming the service that could not be reached (with Retry-After, no internals). */
export async function expectUnavailable(res: Response | Promise<Response>, service: string): Promise<Record<string, unknown>> {
  const r = await res;
  expect(r.status).toBe(503);
  expect(r.headers.get("Content-Type")).toBe("application/problem+json");
  expect(r.headers.get("Retry-After")).toBe("5");
  const body = (await r.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status: 503, code: "service_unavailable", service, detail: `The ${service} service is unavailable` });
  return body;
}
