import { ApiError, onError, onNotFound, requestIds, requestLogger } from "@edgeworks/http";
import { Hono } from "hono";
import { corsFor } from "./cors";
import { landingPage } from "./landing";
import { routeFor } from "./products";

type EdgeEnv = { Bindings: Env; Variables: { requestId: string } };

const EXPOSED_HEADERS = ["X-Request-Id", "ETag", "Location", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"];

const app = new Hono<EdgeEnv>();

app.use(requestIds(), requestLogger());
app.use(
  corsFor({
    origins: (env) => env.CORS_ORIGINS ?? "",
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    headers: ["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match", "X-Request-Id"],
    exposeHeaders: EXPOSED_HEADERS,
    maxAgeSeconds: 600,
  }),
);

app.get("/", (c) => c.html(landingPage()));
app.get("/health", (c) => c.json({ status: "ok", service: "edge", time: new Date().toISOString() }));

// Everything under a product prefix goes to that product, path and query unchanged, with the request
// id; a bare `/{slug}` goes to the URL shortener. The front door's own routes above always win.
app.all("*", async (c) => {
  const product = routeFor(c.req.path);
  if (!product) return onNotFound(c);
  const headers = new Headers(c.req.raw.headers);
  headers.set("X-Request-Id", c.var.requestId);
  const forwarded = new Request(c.req.raw, { headers });
  try {
    const res = await c.env[product.binding].fetch(forwarded);
    // A WebSocket upgrade passes through untouched; anything else gets mutable headers (for CORS,
    // request id) without copying the body: it streams through.
    if (res.status === 101) return res;
    const out = new Response(res.body, res);
    out.headers.set("X-Request-Id", c.var.requestId);
    return out;
  } catch (err) {
    console.error(
      JSON.stringify({ level: "error", msg: "upstream failed", requestId: c.var.requestId, product: product.prefix, error: String(err) }),
    );
    throw new ApiError("service_unavailable", `${product.name} is unavailable`);
  }
});

app.onError(onError);
app.notFound(onNotFound);

export default app satisfies ExportedHandler<Env>;
