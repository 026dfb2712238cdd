import { z } from "@hono/zod-openapi";
import { IDEMPOTENCY_KEY_PATTERN } from "./idempotency";

/** The problem+json schema, for documenting error responses. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), location: z.string().optional(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** Documented error responses, to spread into a route's `responses`. */
export const errorResponses = {
  400: problem("Malformed JSON"),
  401: problem("Missing, invalid or expired credentials"),
  403: problem("Not allowed"),
  404: problem("Not found (or not yours)"),
  409: problem("Conflict"),
  412: problem("Precondition failed"),
  413: problem("Body too large"),
  415: problem("Body is not application/json"),
  416: problem("Range not satisfiable; `Content-Range: bytes */size` gives the size"),
  422: problem("Validation failed; `errors` lists each field"),
  426: problem("Not a WebSocket upgrade (`Upgrade: websocket` is answered)"),
  429: problem("Rate limited; see Retry-After"),
} as const;

/** Picks documented error responses by status. */
export function errors<S extends keyof typeof errorResponses>(...statuses: S[]): Pick<typeof errorResponses, S> {
  return Object.fromEntries(statuses.map((s) => [s, errorResponses[s]])) as Pick<typeof errorResponses, S>;
}

/** A JSON request body for a route, marked required so a missing body is validated (422), not skipped. */
export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true as const,
  ...(description ? { description } : {}),
  content: { "application/json": { schema } },
});

/** A JSON response for a route. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** Options of {@link idempotencyKeyHeaders}: the route's own wording in the OpenAPI document. */
export interface IdempotencyKeyHeaderOptions {
  description?: string;
  example?: string;
}

/**
 * The `Idempotency-Key` request header of a route behind `idempotency()`, as `request.headers`: optional,
 * 1..255 printable ASCII (the length is checked before the pattern), exactly what the middleware accepts.
 *
 * @example createRoute({ ..., request: { headers: idempotencyKeyHeaders({ example: "add-1" }), body } });
 */
export function idempotencyKeyHeaders(options: IdempotencyKeyHeaderOptions = {}) {
  return z.object({
    "idempotency-key": z
      .string()
      .max(255)
      .regex(IDEMPOTENCY_KEY_PATTERN, "Must be 1..255 printable ASCII characters")
      .optional()
      .openapi({
        description: options.description ?? "Makes a retry within 24 h replay the first answer (`Idempotent-Replayed: true`)",
        example: options.example ?? "3f1c2a7e-1",
      }),
  });
}
