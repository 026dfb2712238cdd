import { z } from "zod";

const noLineBreaks = (s: string) => !/[\r\n\0]/.test(s);

export const emailSendPayload = z
  .object({
    to: z.string().max(254).pipe(z.email()),
    subject: z.string().min(1).max(200).refine(noLineBreaks, "Must be one line"),
    text: z.string().min(1).max(50_000),
    html: z.string().max(100_000).optional(),
  })
  .strict();
