import { ApiError, createRouter, errorResponses, problemSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { revertEmail, verifyEmail } from "../email-verification.service";
import { isTokenShaped } from "../fields";
import { actionPage, donePage, invalidLinkPage, LINK_PAGE_HEADERS, LINK_PATHS, type LinkAction, refusedPage } from "../pages/link-pages";
import { UI_CSS } from "../pages/ui-css";
import { resetPassword } from "../passwords.service";
import { type AccountsEnv, mailDeps, serviceDeps } from "../product";
import { resetPasswordBody } from "../validation";

// The links in accounts' emails are GET URLs opened in a browser, but their actions are POST APIs. A GET
// shows a page with a form and NEVER acts: mail scanners and link previews fetch every link in a
// message, and verifying on GET would let someone who registered a victim's address have it verified
// by the victim's scanner. The form posts application/x-www-form-urlencoded to the same path, handled
// here before the JSON routes (routes/email.ts, routes/passwords.ts), which keep JSON exactly as it was.
//
// CSRF: no extra token is needed. The link's token is the whole capability and travels in the form
// body; no cookie or other ambient credential is involved, so a cross-site form post can only do what
// the holder of that token could do directly.

type Ctx = Context<AccountsEnv>;

const FORM_TYPE = "application/x-www-form-urlencoded";

const mediaTypeOf = (c: Ctx): string => (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

const html = (c: Ctx, body: string, status: 200 | 400 | 409 | 413 | 415 | 422) => c.body(body, status, LINK_PAGE_HEADERS);

/** The fields a link form may send; anything else is ignored, a field sent twice is refused. */
const FORM_FIELDS = ["token", "newPassword", "newPasswordConfirm"] as const;
type FormFields = Partial<Record<(typeof FORM_FIELDS)[number], string>>;

/** The form's fields, or undefined when one of them is sent more than once. Malformed escapes decode leniently (URLSearchParams). */
async function readForm(c: Ctx): Promise<FormFields | undefined> {
  const params = new URLSearchParams(await c.req.text());
  const fields: FormFields = {};
  for (const name of FORM_FIELDS) {
    const values = params.getAll(name);
    if (values.length > 1) return undefined;
    if (values[0] !== undefined) fields[name] = values[0];
  }
  return fields;
}

/** The HTML answer to a refusal by a service (an ApiError); anything else is rethrown (a real 500). */
function refusal(c: Ctx, err: unknown): Response {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 400) return html(c, invalidLinkPage(err.message), 400);
  if (err.status === 409) return html(c, refusedPage(err.message), 409);
  throw err;
}

/** What each form does with a token-shaped token (and the other fields), answering the "done" page. */
const PERFORM: Record<LinkAction, (c: Ctx, token: string, fields: FormFields) => Promise<Response>> = {
  verify: async (c, token) => {
    // a browser sends no Authorization: every session from before a first verification ends
    await verifyEmail(serviceDeps(c), token, undefined);
    return html(c, donePage("verify"), 200);
  },
  revert: async (c, token) => {
    const user = await revertEmail(mailDeps(c), token);
    return html(c, donePage("revert", user.email), 200);
  },
  reset: async (c, token, fields) => {
    const newPassword = fields.newPassword ?? "";
    const parsed = resetPasswordBody.safeParse({ token, newPassword });
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? "Invalid password";
      return html(c, actionPage("reset", token, `New password: ${message}`), 422);
    }
    if (fields.newPasswordConfirm !== undefined && fields.newPasswordConfirm !== newPassword) {
      return html(c, actionPage("reset", token, "The two passwords differ: type the same new password twice"), 422);
    }
    await resetPassword(serviceDeps(c), parsed.data);
    return html(c, donePage("reset"), 200);
  },
};

/**
 * The form post of one link page: urlencoded bodies are handled here (an HTML answer, also for every
 * refusal); multipart is 415 (HTML); any other body goes on to the JSON route.
 */
const formPost =
  (action: LinkAction): MiddlewareHandler<AccountsEnv> =>
  async (c, next) => {
    const type = mediaTypeOf(c);
    if (type === "multipart/form-data") {
      return html(c, refusedPage(`Send the form as ${FORM_TYPE}`), 415);
    }
    if (type !== FORM_TYPE) return next();
    const fields = await readForm(c);
    if (fields === undefined || !isTokenShaped(fields.token)) return html(c, invalidLinkPage(), 400);
    try {
      return await PERFORM[action](c, fields.token, fields);
    } catch (err) {
      return refusal(c, err);
    }
  };

const pageQuery = z.object({
  token: z.string().openapi({ description: "The token from the email link (URL-safe base64, at most 512 characters)" }),
});

/** The operationId of each link page. */
const PAGE_OPERATIONS: Record<LinkAction, string> = {
  verify: "showVerifyEmailPage",
  revert: "showRevertEmailPage",
  reset: "showResetPasswordPage",
};

/** The GET route of one link page (documented; answers HTML only). */
const pageRoute = (action: LinkAction, summary: string) =>
  createRoute({
    method: "get",
    path: LINK_PATHS[action],
    operationId: PAGE_OPERATIONS[action],
    // the token in the query is the capability; showing the page needs no credentials
    security: [],
    tags: ["Email links"],
    summary,
    description:
      "The page an email link opens: what the action does and a form whose button posts `token` (urlencoded) to the same path. " +
      "Showing it changes nothing (mail scanners open links) and does not tell whether the token exists. " +
      "A missing or malformed token (not 1..512 URL-safe base64 characters) is a 400 page. " +
      "No scripts; CSP `default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'`; `Cache-Control: no-store`; `Referrer-Policy: no-referrer`.",
    request: { query: pageQuery },
    responses: {
      200: { description: "The page with the form", content: { "text/html": { schema: z.string() } } },
      400: { description: "The 'invalid or expired link' page", content: { "text/html": { schema: z.string() } } },
    },
  });

/** The pages behind the email links (GET), their form posts (urlencoded POST), and the stylesheet they use. */
export const linkRoutes = createRouter<AccountsEnv>();

const SUMMARIES: Record<LinkAction, string> = {
  verify: "Page of the verification link",
  revert: "Page of the email-change revert link",
  reset: "Page of the password-reset link",
};

for (const action of ["verify", "revert", "reset"] as const) {
  linkRoutes.openapi(
    pageRoute(action, SUMMARIES[action]),
    (c) => {
      const { token } = c.req.valid("query");
      if (!isTokenShaped(token)) return html(c, invalidLinkPage(), 400);
      return html(c, actionPage(action, token), 200);
    },
    // a missing or repeated token: the same page, never problem+json (a person opened a link)
    (result, c) => (result.success ? undefined : html(c, invalidLinkPage(), 400)),
  );
  linkRoutes.post(LINK_PATHS[action], formPost(action));
}

// packages/ui's stylesheet, for the pages above (style-src 'self'); revalidated hourly (ETag from conditionalGet)
linkRoutes.get("/ui.css", (c) =>
  c.body(UI_CSS, 200, {
    "Content-Type": "text/css; charset=utf-8",
    "Cache-Control": "public, max-age=3600",
    "X-Content-Type-Options": "nosniff",
  }),
);

/** A string property of the form's OpenAPI schema. */
type FormProperty = { type: "string"; minLength: number; maxLength: number; pattern?: string; description?: string };
const TOKEN_PROPERTY: FormProperty = { type: "string", minLength: 1, maxLength: 512, pattern: "^[A-Za-z0-9_-]+$" };
const PASSWORD_PROPERTY: FormProperty = { type: "string", minLength: 8, maxLength: 256 };

/**
 * The request body of a link's POST route: JSON (validated by the route) or the link page's urlencoded
 * form (handled by `linkRoutes` before the route, answering HTML). The form schema is a plain OpenAPI
 * schema on purpose: a zod one would make @hono/zod-openapi validate JSON requests against it too.
 *
 * @example request: { body: linkBody(verifyEmailBody, "verify") }
 */
export function linkBody<T extends z.ZodType>(
  json: T,
  action: LinkAction,
): { required: true; description: string; content: { "application/json": { schema: T } } } {
  const properties: Record<string, FormProperty> =
    action === "reset"
      ? {
          token: TOKEN_PROPERTY,
          newPassword: PASSWORD_PROPERTY,
          newPasswordConfirm: { ...PASSWORD_PROPERTY, description: "Optional: must equal newPassword" },
        }
      : { token: TOKEN_PROPERTY };
  const body = {
    required: true as const,
    description: `JSON (answers JSON or problem+json), or the form of the link page as ${FORM_TYPE} (answers an HTML page, also for errors: 400 invalid link, 409, 415 multipart, 422 a rejected password)`,
    content: {
      "application/json": { schema: json },
      "application/x-www-form-urlencoded": {
        schema: { type: "object" as const, required: action === "reset" ? ["token", "newPassword"] : ["token"], properties },
      },
    },
  };
  // typed as JSON only: the route's handler reads c.req.valid("json"), and @hono/zod-openapi infers no
  // input type for a body with a non-zod media type (the form never reaches the handler anyway)
  return body;
}

/** The `text/html` content of a response: a page. */
export const htmlContent = { "text/html": { schema: z.string() } };

/** A response that is an HTML page (a link form post's "done" page). */
export const htmlPage = (description: string) => ({ description, content: htmlContent });

/** The statuses a link page's form post answers as an HTML page (formPost and refusal above). */
type FormErrorStatus = 400 | 409 | 415 | 422;

/**
 * Error responses of a link's POST route that come in two forms: problem+json to a JSON body, or the HTML page
 * the link page's form gets (400 invalid link, 409 refused, 415 multipart, 422 a rejected password).
 * Spread after `errors(…)` so these statuses carry both media types.
 *
 * @example responses: { 200: …, ...errors(400, 409, 413, 415, 422), ...formErrors(400, 409, 415) }
 */
export function formErrors<S extends FormErrorStatus>(...statuses: S[]): Record<S, { description: string; content: object }> {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: `${errorResponses[s].description} (a form post: an HTML page)`,
        content: { "application/problem+json": { schema: problemSchema }, ...htmlContent },
      },
    ]),
  ) as Record<S, { description: string; content: object }>;
}
