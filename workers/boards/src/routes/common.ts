import { problemSchema } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { BoardsEnv } from "../product";
import type { Card } from "../views";

/** Documented on the card routes that honour optimistic concurrency. */
export const ifMatchHeaders = z.object({
  "if-match": z
    .string()
    .max(1000)
    .optional()
    .openapi({ description: 'The card\'s ETag (`"<version>"`, from GET or any card response); a stale one is 412', example: '"3"' }),
});

/** The `ETag` of a card version. */
const etagOf = (version: number): string => `"${version}"`;

/** Sends a card with its ETag (the version), so the next write can say `If-Match`. */
export const cardJson = <S extends 200 | 201>(c: Context<BoardsEnv>, card: Card, status: S) => {
  c.header("ETag", etagOf(card.version));
  return c.json(card, status);
};

export const cardHeaders = z.object({ ETag: z.string().openapi({ example: '"4"' }) });

export const auth = { security: [{ bearerAuth: [] }] };

/** 503 from routes that ask the accounts directory (packages/auth `directoryUnavailable`). */
export const directoryUnavailableResponse = {
  503: {
    description: "The user directory (accounts) is unavailable; retry after `Retry-After` seconds",
    headers: z.object({ "Retry-After": z.string().openapi({ example: "5" }) }),
    content: { "application/problem+json": { schema: problemSchema } },
  },
};
