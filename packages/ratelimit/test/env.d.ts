import type { RateLimiterNamespace } from "../src";

declare global {
  namespace Cloudflare {
    interface Env {
      RATE_LIMITER: RateLimiterNamespace;
    }
  }
}
