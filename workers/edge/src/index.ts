import { ApiError, onError, onNotFound, requestIds, requestLogger } from "@edgeworks/http";
import { Hono } from "hono";
import { corsFor } from "./cors";
import { landingPage } from "./landing";
import { DOCUMENT_INDEX, isPassThrough, routeFor } from "./products";

type EdgeEnv = { Bindings: Env; Variables: { requestId: string } };

// what browser clients may read: ids, caching, created resources, rate limits, and file downloads (Range, names)
const EXPOSED_HEADERS = [
  "X-Request-Id",
  "ETag",
  "Location",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "Retry-After",
  "Idempotent-Replayed",
  "Accept-Ranges",
  "Content-Range",
  "Content-Disposition",
  "X-D1-Bookmark",
];

/**
 * A fetched response has immutable headers; re-wrap it (the body streams through, nothing is copied)
 * so CORS and the request id can be added. A WebSocket upgrade (101) must pass through untouched.
 */
const mutable = (res: Response): Response => (res.status === 101 ? res : new Response(res.body, res));

const app = new Hono<EdgeEnv>();

app.use(requestIds(), requestLogger());
const cors = corsFor<EdgeEnv>({
  origins: (env) => env.CORS_ORIGINS ?? "",
  methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  headers: ["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match", "Range", "X-D1-Bookmark", "X-Request-Id"],
  exposeHeaders: EXPOSED_HEADERS,
  maxAgeSeconds: 600,
});
// the API gateway's proxied traffic (`/gw/…`) answers CORS by each route's own cors plugin
app.use((c, next) => (isPassThrough(c.req.path) ? next() : cors(c, next)));

app.get("/", (c) => c.html(landingPage()));
// The index of every product's OpenAPI document and reference page (API tools start here); the same list as `/`.
app.get("/openapi.json", (c) => c.json(DOCUMENT_INDEX, 200, { "Cache-Control": "public, max-age=300" }));
app.get("/health", (c) => c.json({ status: "ok", service: "edge", time: new Date().toISOString() }));
// The reference UI's static files, from the assets-only docs Worker.
app.get("/_docs/*", async (c) => mutable(await c.env.DOCS.fetch(c.req.raw)));

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
    if (res.status === 101) return res;
    const out = mutable(res);
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
