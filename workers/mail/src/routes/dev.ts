import { createRouter, devOnly, errors, jsonResponse } from "@edgeworks/http";
import { capturedMail } from "@edgeworks/mail";
import { createRoute, z } from "@hono/zod-openapi";
import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { MailEnv } from "../product";
import { capturedMessage, devMessagesQuery } from "../validation";

/** Development helpers; they answer 404 unless the DEV_MODE var is "true". */
export const devRoutes = createRouter<MailEnv>();

devRoutes.openapi(
  createRoute({
    method: "get",
    path: "/dev/messages",
    operationId: "listCapturedMessages",
    // no credentials: the route exists only in dev mode (DEV_MODE "true"), answering 404 otherwise
    security: [],
    tags: ["Development"],
    summary: "Emails the capture provider kept (dev mode only)",
    description:
      'Newest first, optionally only those to one address: what `pnpm dev` would have sent. Exists only when `DEV_MODE` is `"true"` (never in production: the emails hold live tokens); otherwise 404.',
    middleware: [devOnly<MailEnv>()] as const,
    request: { query: devMessagesQuery },
    responses: {
      200: jsonResponse(z.object({ items: z.array(capturedMessage) }).openapi("CapturedMessages"), "Captured emails"),
      ...errors(404, 422),
    },
  }),
  async (c) => {
    const { limit, to } = c.req.valid("query");
    const rows = await drizzle(c.env.DB)
      .select()
      .from(capturedMail)
      .where(to ? eq(capturedMail.toAddress, to) : undefined)
      .orderBy(desc(capturedMail.capturedAt))
      .limit(limit);
    const items = rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      from: r.fromAddress,
      to: r.toAddress,
      replyTo: r.replyTo,
      subject: r.subject,
      text: r.text,
      html: r.html,
      capturedAt: new Date(r.capturedAt).toISOString(),
    }));
    return c.json({ items }, 200);
  },
);
