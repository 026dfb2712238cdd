import { MAX_MAIL_BYTES, mailAddress } from "@edgeworks/mail";
import { z } from "zod";

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters (header injection) is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** One email: the same limits as @edgeworks/mail's `mailMessage` (one address, one-line subject, the size cap). */
export const emailSendPayload = z
  .object({
    /** One address, `local@domain` (no display name, no list). */
    to: mailAddress,
    subject: z
      .string()
      .min(1)
      .max(300)
      .refine((s) => !CONTROL.test(s), "One line: no line breaks or control characters"),
    text: z.string().min(1).max(50_000),
    /** Without it, the text is sent in the house layout (paragraphs, HTML-escaped). */
    html: z.string().min(1).max(100_000).optional(),
  })
  .strict()
  .refine((p) => new TextEncoder().encode(JSON.stringify(p)).length <= MAX_MAIL_BYTES - 10_000, {
    message: `The email is over ${MAX_MAIL_BYTES - 10_000} bytes`,
  });
