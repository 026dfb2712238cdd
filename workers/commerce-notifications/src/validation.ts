import { paginationQuery } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { CHANNELS, TEMPLATES } from "./templates";

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const notificationSchema = z
  .object({
    id: z.string().openapi({ example: "ntf_V1StGXR8_Z5jdHi6B-myT" }),
    orderId: z.string().openapi({ example: "ord_V1StGXR8_Z5jdHi6B-myT" }),
    channel: z.enum(CHANNELS),
    template: z
      .enum(TEMPLATES)
      .openapi({ description: "receipt (order confirmed), cancellation (order cancelled), refund (payment refunded)" }),
    status: z
      .enum(["sent", "skipped"])
      .openapi({ description: "sent: handed to the mail service or the SMS provider; skipped: see reason" }),
    reason: z
      .enum(["opted_out", "no_email", "no_phone", "no_contact"])
      .nullable()
      .openapi({ description: "Why it was skipped (null when sent)" }),
    recipient: z
      .string()
      .nullable()
      .openapi({ description: "The address or E.164 number it went to (null when skipped)", example: "ada@example.com" }),
    createdAt: isoOut,
  })
  .openapi("Notification");
export type Notification = z.infer<typeof notificationSchema>;

export const listNotificationsQuery = z.object({ ...paginationQuery });
export type ListNotificationsQuery = z.output<typeof listNotificationsQuery>;
