import { env } from "cloudflare:test";
import type { HandlerContext } from "../../src/handlers/registry";

/** A HandlerContext over the test env that records progress and log lines (what the runner would send). */
export function makeContext(overrides: { attempt?: number; id?: string; name?: string; signal?: AbortSignal; env?: Env } = {}) {
  const progress: { percent: number; message?: string }[] = [];
  const logs: string[] = [];
  const ctx: HandlerContext = {
    env: overrides.env ?? env,
    job: {
      id: overrides.id ?? `j_q_test_${crypto.randomUUID().slice(0, 12)}`,
      name: overrides.name ?? "test",
      payload: null,
      attempt: overrides.attempt ?? 1,
      token: "t",
      leaseUntil: new Date(Date.now() + 60_000).toISOString(),
      timeout: 60_000,
    },
    signal: overrides.signal ?? new AbortController().signal,
    progress: async (percent, message) => {
      progress.push(message === undefined ? { percent } : { percent, message });
    },
    log: (line) => logs.push(line),
  };
  return { ctx, progress, logs };
}
