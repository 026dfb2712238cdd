import type { Registry } from "./registry";
import { bindingOf, withTimeout } from "./upstream";

export interface ServiceHealth {
  service: string;
  up: boolean;
  latencyMs: number;
  version: string;
  /** Why it counts as down (absent when up). */
  detail?: string;
}

/**
 * Each registered service's `GET /commerce/health` over its binding, all at once, each within `timeoutMs`:
 * up when it answers 200 `{status:"ok"}`. `ok` only when every service is up.
 */
export async function checkHealth(
  env: object,
  registry: Registry,
  { requestId, timeoutMs }: { requestId: string; timeoutMs: number },
): Promise<{ status: "ok" | "degraded"; services: ServiceHealth[] }> {
  const services = await Promise.all(
    registry.map(async (entry): Promise<ServiceHealth> => {
      const started = Date.now();
      const base = { service: entry.service, version: entry.version };
      const binding = bindingOf(env, entry.binding);
      if (!binding) return { ...base, up: false, latencyMs: 0, detail: `no binding ${entry.binding}` };
      try {
        const res = await withTimeout(
          binding.fetch(new Request("https://commerce.internal/commerce/health", { headers: { "X-Request-Id": requestId } })),
          timeoutMs,
          "health check",
        );
        const body = (await res.json().catch(() => null)) as { status?: unknown } | null;
        const latencyMs = Date.now() - started;
        if (res.status === 200 && body?.status === "ok") return { ...base, up: true, latencyMs };
        return { ...base, up: false, latencyMs, detail: `answered ${res.status}` };
      } catch (err) {
        return {
          ...base,
          up: false,
          latencyMs: Date.now() - started,
          detail: String(err instanceof Error ? err.message : err).slice(0, 200),
        };
      }
    }),
  );
  return { status: services.every((s) => s.up) ? "ok" : "degraded", services };
}
