import { checkUpload, createRouter, errors, jsonBody, jsonResponse, notFound, serveR2File, type UploadPolicy } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { nanoid } from "nanoid";
import type { Db } from "../deps";
import { MAX_IMAGE_BYTES } from "../limits";
import type { ShopEnv } from "../product";
import { adminOnly, bearer, IDEMPOTENCY_NOTE, idempotencyHeaders, idempotent, type OpenEnv } from "./common";
import { findProduct } from "./products";
import { productImages } from "./schema";
import { imageIdParams, imageParams, imageQuery, productIdParams, updateImageBody } from "./validation";
import { imageSchema, toImage } from "./views";

/** Image types a product may show; the bytes must be the declared type (magic number), never SVG (script). */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
const IMAGE_POLICY: UploadPolicy<(typeof IMAGE_TYPES)[number]> = { types: IMAGE_TYPES, maxBytes: MAX_IMAGE_BYTES, label: "Images" };

/** Images never change under their id: any cache may keep them for a year. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Opened directly, an image runs nothing and loads nothing (only its magic number is checked, not the rest of its bytes). */
const IMAGE_CSP = "default-src 'none'; sandbox";
const EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif" };

const imageContent = Object.fromEntries(IMAGE_TYPES.map((t) => [t, { schema: { type: "string" as const, format: "binary" } }]));

async function findImage(db: Db, productId: string, imageId: string) {
  const row = await db
    .select()
    .from(productImages)
    .where(and(eq(productImages.id, imageId), eq(productImages.productId, productId)))
    .get();
  if (!row) throw notFound("Image");
  return row;
}

/** Whether an `If-None-Match` list names this strong ETag (or is `*`). */
const matchesEtag = (header: string | undefined, etag: string) =>
  header?.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag === etag || tag === `W/${etag}`;
  });

const tags = ["Images"];

const uploadRoute = createRoute({
  tags,
  security: bearer,
  method: "post",
  path: "/products/{id}/images",
  operationId: "uploadProductImage",
  summary: "Add an image to a product (admin; raw body)",
  description:
    `The body is the image (at most ${MAX_IMAGE_BYTES} bytes, 413 above), \`Content-Type\` one of ${IMAGE_TYPES.join(", ")} (415 otherwise); ` +
    `the bytes must be that type by their magic number (415 otherwise), empty is 422. \`alt\` and \`position\` are query parameters. ${IDEMPOTENCY_NOTE}`,
  middleware: [adminOnly, idempotent] as const,
  request: { params: productIdParams, query: imageQuery, headers: idempotencyHeaders, body: { required: true, content: imageContent } },
  responses: { 201: jsonResponse(imageSchema, "The stored image"), ...errors(401, 403, 404, 413, 415, 422, 429) },
});

const updateRoute = createRoute({
  tags,
  security: bearer,
  method: "patch",
  path: "/products/{id}/images/{imageId}",
  operationId: "updateProductImage",
  summary: "Change an image's alt text or position (admin)",
  description: IDEMPOTENCY_NOTE,
  middleware: [adminOnly, idempotent] as const,
  request: { params: imageParams, headers: idempotencyHeaders, body: jsonBody(updateImageBody) },
  responses: { 200: jsonResponse(imageSchema, "The image"), ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
});

const deleteRoute = createRoute({
  tags,
  security: bearer,
  method: "delete",
  path: "/products/{id}/images/{imageId}",
  operationId: "deleteProductImage",
  summary: "Remove an image (admin)",
  description: IDEMPOTENCY_NOTE,
  middleware: [adminOnly, idempotent] as const,
  request: { params: imageParams, headers: idempotencyHeaders },
  responses: { 204: { description: "Removed" }, ...errors(401, 403, 404, 422, 429) },
});

const serveRoute = createRoute({
  tags,
  method: "get",
  path: "/images/{id}",
  operationId: "getImage",
  security: [],
  summary: "An image's bytes (public)",
  description:
    `No authentication. Served with its type, a strong \`ETag\`, \`Cache-Control: ${IMMUTABLE}\`, \`X-Content-Type-Options: nosniff\` and \`Content-Security-Policy: ${IMAGE_CSP}\`; ` +
    "`If-None-Match` with the ETag is 304. One `Range: bytes=…` gets 206, a range past the end 416.",
  request: { params: imageIdParams },
  responses: {
    200: { description: "The image", content: imageContent },
    206: { description: "The requested byte range (`Content-Range`)", content: imageContent },
    304: { description: "Not modified (the ETag matched)" },
    ...errors(404, 416, 422),
  },
});

/** GET /images/{id}: public and immutable, answered 304 from D1 alone when the ETag matches. */
export const imageReads = createRouter<OpenEnv>().openapi(serveRoute, async (c) => {
  const row = await drizzle(c.env.DB)
    .select()
    .from(productImages)
    .where(eq(productImages.id, c.req.valid("param").id))
    .get();
  if (!row) throw notFound("Image");
  const headers = { "Cache-Control": IMMUTABLE, ETag: row.etag, "X-Content-Type-Options": "nosniff", "Content-Security-Policy": IMAGE_CSP };
  if (matchesEtag(c.req.header("If-None-Match"), row.etag)) return c.body(null, 304, headers);
  return serveR2File(c.env.FILES, {
    key: row.r2Key,
    size: row.size,
    contentType: row.contentType,
    filename: `${row.id}.${EXTENSIONS[row.contentType] ?? "bin"}`,
    disposition: "inline",
    range: c.req.header("Range"),
    label: "Image",
    headers: { "Cache-Control": IMMUTABLE, "Content-Security-Policy": IMAGE_CSP },
  });
});

/** Admin uploads, edits and removals of product images (bytes in R2 under keys made of ids). */
export const imageWrites = createRouter<ShopEnv>()
  .openapi(uploadRoute, async (c) => {
    const db = drizzle(c.env.DB);
    const { id } = c.req.valid("param");
    const { alt, position } = c.req.valid("query");
    await findProduct(db, id, true);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    // the bytes decide, not the label: a declared image/png must really be a PNG
    const contentType = checkUpload(IMAGE_POLICY, c.req.header("Content-Type"), bytes);
    const imageId = nanoid();
    const key = `shop/products/${id}/images/${imageId}`;
    const stored = await c.env.FILES.put(key, bytes, { httpMetadata: { contentType } });
    const next = await db
      .select({ position: sql<number>`coalesce(max(${productImages.position}) + 1, 0)` })
      .from(productImages)
      .where(eq(productImages.productId, id))
      .get();
    const row = {
      id: imageId,
      productId: id,
      r2Key: key,
      contentType,
      size: bytes.byteLength,
      etag: stored.httpEtag,
      alt: alt ?? "",
      position: position ?? next?.position ?? 0,
      createdAt: Date.now(),
    };
    await db.insert(productImages).values(row);
    return c.json(toImage(row), 201);
  })
  .openapi(updateRoute, async (c) => {
    const db = drizzle(c.env.DB);
    const { id, imageId } = c.req.valid("param");
    const input = c.req.valid("json");
    await findProduct(db, id, true);
    await findImage(db, id, imageId);
    if (input.alt !== undefined || input.position !== undefined) {
      await db
        .update(productImages)
        .set({
          ...(input.alt !== undefined ? { alt: input.alt } : {}),
          ...(input.position !== undefined ? { position: input.position } : {}),
        })
        .where(eq(productImages.id, imageId));
    }
    return c.json(toImage(await findImage(db, id, imageId)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const db = drizzle(c.env.DB);
    const { id, imageId } = c.req.valid("param");
    await findProduct(db, id, true);
    const row = await findImage(db, id, imageId);
    await db.delete(productImages).where(eq(productImages.id, imageId));
    c.executionCtx.waitUntil(c.env.FILES.delete(row.r2Key));
    return c.body(null, 204);
  });
