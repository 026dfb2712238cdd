import { createRouter, devOnly, errors, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { listOutbox } from "../outbox.service";
import { type AccountsEnv, serviceDeps } from "../product";
import { outboxMessageSchema, outboxQuery } from "../validation";

/** Development helpers; they answer 404 unless the DEV_MODE var is "true". */
export const devRoutes = createRouter<AccountsEnv>();

devRoutes.openapi(
  createRoute({
    method: "get",
    path: "/dev/outbox",
    operationId: "listOutbox",
    security: [],
    tags: ["Development"],
    summary: "Emails that would have been sent (dev mode only)",
    description:
      'Newest first, optionally only those to one address. Exists only when `DEV_MODE` is `"true"` (never in production: the messages hold live tokens); otherwise 404.',
    middleware: [devOnly<AccountsEnv>()] as const,
    request: { query: outboxQuery },
    responses: {
      200: jsonResponse(z.object({ items: z.array(outboxMessageSchema) }).openapi("Outbox"), "Queued messages"),
      ...errors(404, 422),
    },
  }),
  async (c) => c.json({ items: await listOutbox(serviceDeps(c).db, c.req.valid("query")) }, 200),
);
