import { mailAddress } from "@edgeworks/mail";
import { z } from "@hono/zod-openapi";

/** `GET /mail/v1/dev/messages` query: newest first, at most `limit`, optionally only those to one address. */
export const devMessagesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "At most this many (1-200, default 50)" }),
  to: mailAddress.optional().openapi({ description: "Only emails to this address", example: "ada@example.com" }),
});

/** One captured email, as the dev listing shows it. */
export const capturedMessage = z
  .object({
    id: z.string().openapi({ description: "The email's id (its idempotency key)", example: "blog-follower/12/u_1" }),
    kind: z.string().openapi({ example: "blog-follower" }),
    from: z.string(),
    to: z.string(),
    replyTo: z.string().nullable(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    capturedAt: z.iso.datetime().openapi({ description: "When the capture provider kept it" }),
  })
  .openapi("CapturedMessage");
