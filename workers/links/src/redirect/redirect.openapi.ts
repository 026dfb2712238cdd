import { problemSchema } from "@edgeworks/http";
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Env as HonoEnv } from "hono";
import { LINK_PASSWORD_POLICY, MAX_FORM_BYTES, PASSWORD_POLICY } from "./serve-redirect";

const slugParam = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/)
  .openapi({ param: { name: "slug", in: "path" }, description: "The short link's slug", example: "spring-sale" });

const problemOrPage = (description: string) => ({
  description,
  content: {
    "application/problem+json": { schema: problemSchema },
    "text/html": { schema: z.string().openapi({ description: "A small page for browsers (sent when Accept names text/html)" }) },
  },
});

const redirect = (description: string) => ({
  description,
  headers: z.object({
    Location: z.string().openapi({ description: "The target, exactly" }),
    "Cache-Control": z.string().openapi({ description: "302/307: `private, no-store, max-age=0`; 301/308: cacheable up to an hour" }),
  }),
});

/**
 * Documents the redirect (served by the lean redirect app, not by the OpenAPI app) in the product's
 * OpenAPI document, so clients and generated tests know it.
 */
export function documentRedirect<E extends HonoEnv>(app: OpenAPIHono<E>): void {
  const request = { params: z.object({ slug: slugParam }) };
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/{slug}",
    operationId: "followLink",
    security: [],
    tags: ["Redirect"],
    summary: "Follow a short link (HEAD works the same)",
    description:
      "The guard ladder, in order: unknown → 404; disabled → 404; expired or click cap reached → 410 (or 302 to " +
      "`expiredUrl` when set); password-protected → a form (200 HTML; 401 problem for `Accept: application/json`); " +
      "rules (device, country, language; first match wins) → the link's target. With `passQuery`, the query string is " +
      "appended to the target. Every redirect counts one click (bots too, in `bots`); a capped link lets exactly " +
      "`maxClicks` redirects through, however many arrive at once. Errors are problem+json unless Accept names text/html.",
    request,
    responses: {
      200: { description: "The password form of a protected link", content: { "text/html": { schema: z.string() } } },
      301: redirect("Moved Permanently (link type 301)"),
      302: redirect("Found (default type; also the fallback of an expired link)"),
      307: redirect("Temporary Redirect (link type 307)"),
      308: redirect("Permanent Redirect (link type 308)"),
      401: problemOrPage("Password required (JSON clients)"),
      404: problemOrPage("No such link, or disabled"),
      410: problemOrPage("Expired, or the click cap is reached"),
    },
  });
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/{slug}",
    operationId: "unlockLink",
    security: [],
    tags: ["Redirect"],
    summary: "Unlock a password-protected link",
    description:
      `Form field \`password\`. Right: 303 See Other to the target (a GET, so the password is never re-sent). Wrong: 401 ` +
      `and the form again. ${PASSWORD_POLICY.limit} attempts per ${PASSWORD_POLICY.periodMs / 60_000} minutes per client ` +
      `network (IPv6 /64) and link, and ${LINK_PASSWORD_POLICY.limit} per ${LINK_PASSWORD_POLICY.periodMs / 60_000} minutes ` +
      `per link from all networks (429 with Retry-After). Bodies over ${MAX_FORM_BYTES} bytes are 413; other content types 415; links without ` +
      "a password 405.",
    request: {
      ...request,
      body: {
        required: true,
        content: { "application/x-www-form-urlencoded": { schema: z.object({ password: z.string().min(1).max(1024) }) } },
      },
    },
    responses: {
      303: redirect("See Other: the password is right"),
      302: redirect("The link expired and has a fallback URL"),
      401: problemOrPage("Wrong password"),
      404: problemOrPage("No such link, or disabled"),
      405: problemOrPage("The link has no password"),
      410: problemOrPage("Expired, or the click cap is reached"),
      413: problemOrPage("Body too large"),
      415: problemOrPage("Not a form"),
      429: problemOrPage("Too many attempts; see Retry-After"),
    },
  });
}
