// A minimal Worker for the package's tests: hosts the RateLimiter and one rate-limited route.
import { createApp } from "@edgeworks/http";
import { RateLimiter, type RateLimiterNamespace, rateLimit } from "../src";

export { RateLimiter };

type Bindings = { RATE_LIMITER: RateLimiterNamespace };
const app = createApp<{ Bindings: Bindings; Variables: { requestId: string } }>();
app.use(
  "/limited",
  rateLimit<Bindings>({
    name: "test",
    policy: { limit: 3, periodMs: 60_000 },
    binding: (env) => env.RATE_LIMITER,
    key: (c) => c.req.header("X-Client") ?? null,
  }),
);
app.get("/limited", (c) => c.json({ ok: true }));
export default app;
