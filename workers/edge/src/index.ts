import { ApiError, onError, onNotFound, requestIds, requestLogger } from "@edgeworks/http";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { landingPage } from "./landing";
import { productFor } from "./products";

type EdgeEnv = { Bindings: Env; Variables: { requestId: string } };

const EXPOSED_HEADERS = ["X-Request-Id", "ETag", "Location", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"];

const app = new Hono<EdgeEnv>();

app.use(requestIds(), requestLogger());
app.use(
  cors({
    origin: (origin, c) => {
      const allowed = (c.env.CORS_ORIGINS ?? "")
        .split(",")
        .map((o: string) => o.trim())
        .filter(Boolean);
      if (allowed.includes("*")) return origin || "*";
      return allowed.includes(origin) ? origin : null;
    },
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match", "X-Request-Id"],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  }),
);

app.get("/", (c) => c.html(landingPage()));
app.get("/health", (c) => c.json({ status: "ok", service: "edge", time: new Date().toISOString() }));

// Everything under a product prefix goes to that product, path and query unchanged, with the request id.
app.all("*", async (c) => {
  const product = productFor(c.req.path);
  if (!product) return onNotFound(c);
  const headers = new Headers(c.req.raw.headers);
  headers.set("X-Request-Id", c.var.requestId);
  const forwarded = new Request(c.req.raw, { headers });
  try {
    return await c.env[product.binding].fetch(forwarded);
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
