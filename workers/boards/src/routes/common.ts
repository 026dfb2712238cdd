import { z } from "@hono/zod-openapi";

/** Documented on the card routes that honour optimistic concurrency. */
export const ifMatchHeaders = z.object({
  "if-match": z
    .string()
    .max(1000)
    .optional()
    .openapi({ description: 'The card\'s ETag (`"<version>"`, from GET or any card response); a stale one is 412', example: '"3"' }),
});

/** The `ETag` of a card version. */
export const etagOf = (version: number): string => `"${version}"`;

export const cardHeaders = z.object({ ETag: z.string().openapi({ example: '"4"' }) });

export const auth = { security: [{ bearerAuth: [] }] };
