import { errors, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { wsParams } from "./schemas";

export const purgeBody = z
  .strictObject({
    route: z
      .string()
      .max(64, "Must be at most 64 characters")
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "Must be a route id or name")
      .openapi({ description: "The route's id or name", example: "users" }),
    path: z
      .string()
      .max(2048, "Must be at most 2048 characters")
      .regex(/^\/[\x21-\x7e]*$/, "Must start with / and be printable ASCII without spaces")
      .optional()
      .openapi({
        description: "One cached request (path and query under the workspace); absent: the whole route",
        example: "/v1/users/7?x=1",
      }),
  })
  .openapi("PurgeCache");

export const purgeRoute = createRoute({
  tags: ["Cache"],
  security: [{ bearerAuth: [] }],
  operationId: "purgeCache",
  method: "post",
  path: "/workspaces/{ws}/cache/purge",
  summary: "Purge cached responses",
  description:
    "A route alone: every response the `cache` plugin stored for it, everywhere (its generation is bumped, so old entries " +
    "are never read again; `purged` is 1). With `path` (path and query under the workspace): that entry, every variant " +
    "of it, in the data centre that answers (the Cache API is per location; `purged` is 0 or 1). Admins.",
  request: { params: wsParams, body: jsonBody(purgeBody) },
  responses: {
    200: jsonResponse(z.object({ purged: z.number().int().openapi({ example: 1 }) }).openapi("PurgeResult"), "Purged"),
    ...errors(400, 401, 403, 404, 413, 415, 422, 429),
  },
});
