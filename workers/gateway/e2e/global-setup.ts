import type { TestProject } from "vitest/node";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";

// One `pnpm dev` for every e2e file of the gateway (18 Workers start in it: once is enough); the files reach it
// through `inject("devUrl")` and each makes its own user, workspaces and upstreams, so they never share state.
// GATEWAY_E2E_DEV_URL=http://127.0.0.1:PORT runs the files against a dev server that is already up (started with
// the same DEV_VARS), which saves its minutes of start-up while working on the tests; CI never sets it.

declare module "vitest" {
  export interface ProvidedContext {
    devUrl: string;
  }
}

let dev: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const given = process.env.GATEWAY_E2E_DEV_URL;
  if (given) return project.provide("devUrl", given.replace(/\/$/, ""));
  dev = await startDev({
    timeoutMs: 300_000,
    // the admin API's per-user write limit (600/min) is for people; the files configure dozens of things fast
    env: { DEV_VARS: JSON.stringify({ gateway: { WRITE_RATE_LIMIT_PER_MINUTE: "100000" } }) },
  });
  project.provide("devUrl", dev.url);
}

export async function teardown(): Promise<void> {
  await dev?.stop();
}
