import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createTestClient, newTestUser } from "@edgeworks/testing";
import worker from "../src/index";

export const ORIGIN = "http://commerce.test";
export const BASE = `${ORIGIN}/commerce/v1`;

/** The gateway as the front door calls it (SELF). */
export const api = createTestClient(BASE);
export const call = api.call;

export const newUser = (scope = "commerce:read commerce:write") => newTestUser(scope, "user_");
export const newAdmin = () => newTestUser("*", "admin_", ["commerce:admin"]);

/** Calls the gateway with some bindings replaced (a service that throws, a low rate limit). */
export async function fetchWith(overrides: Partial<Record<keyof Env, unknown>>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, init), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A service binding that records what reached it and answers with `answer` (or throws). */
export function fakeService(
  answer: (req: Request) => Response | Promise<Response>,
  rpc: Record<string, (...a: unknown[]) => unknown> = {},
) {
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
