import { z } from "zod";
import type { GatewayMiddleware, PluginDefinition } from "../../contract";
import { HEADER_NAME, pluginProblem } from "../problem";

/** `https://app.example.com`, `http://localhost:5173` or `https://*.example.com` (any subdomain), no path. */
const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9.-]{1,253}(:\d{1,5})?$/;
const METHOD = /^[A-Z]{1,16}$/;

const schema = z
  .strictObject({
    /** Allowed origins, or `["*"]` for any (then without credentials). */
    origins: z
      .array(z.string().max(300).toLowerCase().regex(ORIGIN, "must be an origin (https://app.example.com) or *.domain").or(z.literal("*")))
      .min(1)
      .max(100),
    methods: z
      .array(z.string().regex(METHOD, "must be an upper-case method"))
      .max(20)
      .default(["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"]),
    /** Request headers a preflight may ask for (absent: those it asks for, when they are header names). */
    headers: z.array(z.string().regex(HEADER_NAME, "must be a header name")).max(50).optional(),
    exposeHeaders: z.array(z.string().regex(HEADER_NAME, "must be a header name")).max(50).default([]),
    credentials: z.boolean().default(false),
    /** How long a browser may cache a preflight, seconds (≤ 1 day). */
    maxAge: z.number().int().min(0).max(86_400).default(600),
  })
  .refine((c) => !(c.credentials && c.origins.includes("*")), {
    message: "credentials cannot be allowed for any origin (*): list the origins",
    path: ["credentials"],
  });
export type CorsConfig = z.output<typeof schema>;

/** Whether `origin` is allowed by the list (exact, or under a `*.` domain, which does not include the domain itself). */
export function originAllowed(origin: string, origins: readonly string[]): boolean {
  const o = origin.toLowerCase();
  return origins.some((allowed) => {
    if (allowed === "*" || allowed === o) return true;
    const star = allowed.indexOf("*.");
    if (star < 0) return false;
    const scheme = allowed.slice(0, star);
    const suffix = allowed.slice(star + 1); // ".example.com[:port]"
    return o.startsWith(scheme) && o.endsWith(suffix) && o.length > scheme.length + suffix.length;
  });
}

const CORS_HEADERS = [
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-expose-headers",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-max-age",
];

function create(config: CorsConfig): GatewayMiddleware {
  const any = config.origins.includes("*") && !config.credentials;
  const methods = config.methods.join(", ");
  return async function cors(ctx, next) {
    const origin = ctx.request.headers.get("origin");
    const allowed = origin !== null && originAllowed(origin, config.origins);
    const asked = ctx.request.headers.get("access-control-request-method");
    if (ctx.request.method === "OPTIONS" && origin !== null && asked !== null) {
      if (!allowed) return pluginProblem(ctx, "forbidden", "This origin may not call this route", { logCode: "cors_origin" });
      const headers = new Headers({
        "Access-Control-Allow-Origin": any ? "*" : origin,
        "Access-Control-Allow-Methods": methods,
        "Access-Control-Max-Age": String(config.maxAge),
        Vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
      });
      const requested = (ctx.request.headers.get("access-control-request-headers") ?? "").slice(0, 2048);
      const allowHeaders =
        config.headers ??
        requested
          .split(",")
          .map((h) => h.trim())
          .filter((h) => HEADER_NAME.test(h));
      if (allowHeaders.length > 0) headers.set("Access-Control-Allow-Headers", allowHeaders.join(", "));
      if (config.credentials) headers.set("Access-Control-Allow-Credentials", "true");
      return new Response(null, { status: 204, headers });
    }
    const response = await next();
    // the gateway decides CORS for this route: whatever the upstream said is dropped, so an unlisted origin is never reflected
    const out = new Response(response.body, response);
    for (const name of CORS_HEADERS) out.headers.delete(name);
    out.headers.append("Vary", "Origin");
    if (allowed) {
      out.headers.set("Access-Control-Allow-Origin", any ? "*" : origin);
      if (config.credentials) out.headers.set("Access-Control-Allow-Credentials", "true");
      if (config.exposeHeaders.length > 0) out.headers.set("Access-Control-Expose-Headers", config.exposeHeaders.join(", "));
    }
    return out;
  };
}

/**
 * The `cors` plugin: answers preflights itself (204, or 403 for an origin not listed) and adds
 * `Access-Control-Allow-Origin` to responses for listed origins only; the upstream's own CORS headers are dropped.
 *
 * @example PLUGINS.cors.schema.parse({ origins: ["https://app.example.com"], credentials: true })
 */
export const plugin: PluginDefinition<typeof schema> = { name: "cors", schema, create };
