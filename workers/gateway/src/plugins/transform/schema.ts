import { z } from "zod";
import { headerOps } from "./headers";
import { bodyOps } from "./json-map";
import { templateProblem } from "./path";
import { queryOps } from "./query";

/** A path template (`/v2/users/:id`, a final `*`), refused at config time when it could escape or is malformed. */
export const pathTemplate = z
  .string()
  .max(2048)
  .superRefine((t, ctx) => {
    const problem = templateProblem(t);
    if (problem) ctx.addIssue({ code: "custom", message: `path ${problem}` });
  });

/**
 * Path changes: `stripPrefix` (segment-wise: `/api` turns `/api/x` into `/x`) or `rewrite`, a template
 * whose `:name` and final `*` come from the matched route's params (`/v2/users/:id`). Not both.
 */
const pathOps = z
  .strictObject({ stripPrefix: pathTemplate.optional(), rewrite: pathTemplate.optional() })
  .refine((p) => !(p.stripPrefix !== undefined && p.rewrite !== undefined), "use either stripPrefix or rewrite, not both")
  .refine((p) => !p.stripPrefix?.includes(":") && !p.stripPrefix?.includes("*"), "stripPrefix is a literal path (no :params or *)");

/** Largest body the transform will read to map (8 MiB); the default is 1 MiB. */
export const MAX_BODY_CAP = 8 * 1024 * 1024;

/**
 * The `transform` plugin's config.
 *
 * @example
 * schema.parse({
 *   request: { headers: { add: { "X-Api-Version": "2" } }, path: { rewrite: "/v2/users/:id" }, body: { rename: { name: "fullName" } } },
 *   response: { headers: { remove: ["Server"] }, body: { remove: ["internal"] } },
 * });
 */
export const schema = z.strictObject({
  request: z
    .strictObject({
      headers: headerOps.prefault({}),
      query: queryOps.prefault({}),
      path: pathOps.prefault({}),
      body: bodyOps.prefault({}),
    })
    .prefault({}),
  response: z.strictObject({ headers: headerOps.prefault({}), body: bodyOps.prefault({}) }).prefault({}),
  /** JSON bodies larger than this are passed through untouched (or refused, when `strict`). */
  maxBodyBytes: z
    .int()
    .min(1)
    .max(MAX_BODY_CAP)
    .default(1024 * 1024),
  /**
   * Refuse instead of passing through unmapped: a request body over the cap → 413; a response body over the
   * cap → 502 (so a `remove` meant to hide a field never silently lets it out).
   */
  strict: z.boolean().default(false),
});
export type TransformConfig = z.output<typeof schema>;
