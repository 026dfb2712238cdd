import { z } from "zod";
import { urlProblem } from "./http-request.payload";

/** Decoded image at most 96 KiB: its base64 is at most 4·⌈98304/3⌉ = 131072 characters. */
export const MAX_IMAGE_BYTES = 96 * 1024;
const MAX_BASE64 = 4 * Math.ceil(MAX_IMAGE_BYTES / 3);
const side = z.number().int().min(1).max(1024);

export const imageThumbnailPayload = z
  .object({
    /** A PNG or JPEG, base64 (standard alphabet, padding optional). */
    image: z
      .string()
      .max(MAX_BASE64, `The image is at most ${MAX_IMAGE_BYTES} bytes`)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, "Must be base64")
      .optional(),
    /** Or an http(s) URL fetched with the SSRF-safe fetch. */
    url: z
      .string()
      .superRefine((raw, ctx) => {
        const problem = urlProblem(raw);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    width: side.optional(),
    height: side.optional(),
    /** cover: fill the box, crop the rest; contain: fit inside, keep the ratio (default); fill: stretch. */
    fit: z.enum(["cover", "contain", "fill"]).default("contain"),
    format: z.enum(["png", "jpeg"]).default("png"),
  })
  .strict()
  .refine((p) => (p.image === undefined) !== (p.url === undefined), { message: "Give exactly one of image and url", path: ["image"] })
  .refine((p) => p.width !== undefined || p.height !== undefined, { message: "Give width, height or both", path: ["width"] });
