import { type errorResponses, errors as platformErrors, problemSchema } from "@edgeworks/http";

/**
 * The documented problem responses of a notes route: `errors(…)` of @edgeworks/http, plus the 400 that every
 * `/notes/v1` route can answer: the D1 session (defineProduct's `d1`) refuses an `X-D1-Bookmark` header that is
 * not a bookmark before anything else runs, public links included. Routes with a body list 400 themselves too.
 *
 * @example responses: { 200: jsonResponse(noteSchema, "The note"), ...errors(401, 403, 404, 422) }
 */
export function errors<S extends keyof typeof errorResponses>(...statuses: S[]) {
  const withBody = (statuses as number[]).includes(400);
  return {
    ...platformErrors(...statuses),
    400: {
      description: withBody
        ? "Malformed request body, or an `X-D1-Bookmark` header that is not a bookmark"
        : "An `X-D1-Bookmark` header that is not a bookmark (send back one from an earlier response, or none)",
      content: { "application/problem+json": { schema: problemSchema } },
    },
  };
}
