import type { RateLimiterNamespace } from "@edgeworks/ratelimit";

declare global {
  namespace Cloudflare {
    interface Env {
      RATE_LIMITER: RateLimiterNamespace;
      DB: D1Database;
      WRITE_RATE_LIMIT_PER_MINUTE: string;
    }
  }
  interface Env extends Cloudflare.Env {}
}
