import type { MiddlewareHandler } from "hono";

export interface CorsOptions {
  /** Allowed origins for these bindings: a list, or `*` for any. */
  origins: (env: { CORS_ORIGINS?: string }) => string;
  methods: string[];
  headers: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

const parsed = new Map<string, { any: boolean; list: Set<string> }>();
const allowList = (raw: string) => {
  let entry = parsed.get(raw);
  if (!entry) {
    const list = raw
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean);
    entry = { any: list.includes("*"), list: new Set(list) };
    parsed.set(raw, entry);
  }
  return entry;
};

/**
 * CORS (Fetch standard §3.2) for the front door. Requests without `Origin` (servers, curl, same-origin
 * navigations) skip all work but `Vary: Origin`; a preflight from an allowed origin is answered here
 * with 204 and never reaches a product; a disallowed origin gets no CORS headers, so the browser blocks it.
 * The allow list is parsed once per isolate.
 *
 * @example app.use(corsFor({ origins: (env) => env.CORS_ORIGINS ?? "", ... }));
 */
export function corsFor<E extends { Bindings: { CORS_ORIGINS?: string } }>(options: CorsOptions): MiddlewareHandler<E> {
  const methods = options.methods.join(", ");
  const headers = options.headers.join(", ");
  const expose = options.exposeHeaders.join(", ");
  const maxAge = String(options.maxAgeSeconds);
  return async function cors(c, next) {
    const origin = c.req.header("Origin");
    if (!origin) {
      await next();
      if (c.res.status !== 101) c.res.headers.append("Vary", "Origin");
      return;
    }
    const allowed = allowList(options.origins(c.env));
    const ok = allowed.any || allowed.list.has(origin);
    if (c.req.method === "OPTIONS" && c.req.header("Access-Control-Request-Method")) {
      const res = new Response(null, { status: 204, headers: { Vary: "Origin" } });
      if (ok) {
        res.headers.set("Access-Control-Allow-Origin", origin);
        res.headers.set("Access-Control-Allow-Methods", methods);
        res.headers.set("Access-Control-Allow-Headers", headers);
        res.headers.set("Access-Control-Max-Age", maxAge);
      }
      c.res = res;
      return;
    }
    await next();
    if (c.res.status === 101) return; // an upgraded socket has no headers to add to
    c.res.headers.append("Vary", "Origin");
    if (ok) {
      c.res.headers.set("Access-Control-Allow-Origin", origin);
      c.res.headers.set("Access-Control-Expose-Headers", expose);
    }
  };
}
