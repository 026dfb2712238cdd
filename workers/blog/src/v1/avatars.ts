// Avatars in R2: PNG, JPEG, WebP or GIF (recognised by their magic bytes, not the declared type), at
// most 2 MiB, stored under a random key per upload, so the URL never changes meaning and is served
// with a year of immutable caching. Resizing needs an image codec that workerd lacks; clients get the
// original bytes.
import { acceptedUploadType, checkUpload, createRouter, errors, jsonResponse, notFound, type UploadPolicy } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { AVATAR_MAX_BYTES, forgetAvatars, saveAvatar } from "../avatars.service";
import { blogDb } from "../db";
import { authenticate, type BlogEnv, viewerOf } from "../product";
import { profileUnavailable, publicOrigin } from "./present";

const TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
const AVATAR_POLICY: UploadPolicy<(typeof TYPES)[number]> = { types: TYPES, maxBytes: AVATAR_MAX_BYTES, label: "Avatars" };

const KEY = /^[a-f0-9]{32}$/;
const avatarSchema = z
  .object({ image: z.string().openapi({ format: "uri" }), contentType: z.enum(TYPES), size: z.number().int() })
  .openapi("Avatar");

const upload = createRoute({
  operationId: "uploadAvatar",
  method: "put",
  path: "/user/avatar",
  tags: ["Avatars"],
  summary: "Upload your avatar (raw image body, ≤ 2 MiB); your profile image becomes its URL",
  security: [{ bearerAuth: [] }],
  middleware: [authenticate({ required: true })],
  request: {
    body: {
      required: true,
      content: Object.fromEntries(TYPES.map((t) => [t, { schema: z.string().openapi({ format: "binary" }) }])),
    },
  },
  responses: {
    201: jsonResponse(avatarSchema, "Stored; `image` is the new profile image"),
    ...errors(401, 413, 415, 422, 429),
    ...profileUnavailable,
  },
});
const serve = createRoute({
  operationId: "getAvatar",
  security: [],
  method: "get",
  path: "/avatars/{key}",
  tags: ["Avatars"],
  summary: "An avatar image (immutable: cached for a year, ETag / If-None-Match → 304)",
  request: {
    params: z.object({
      key: z
        .string()
        .regex(KEY, "Must be an avatar key")
        .openapi({ param: { name: "key", in: "path" } }),
    }),
  },
  responses: {
    200: {
      description: "The image",
      content: Object.fromEntries(TYPES.map((t) => [t, { schema: z.string().openapi({ format: "binary" }) }])),
    },
    304: { description: "Not modified" },
    ...errors(404, 422),
  },
});

export const v1AvatarsRouter = createRouter<BlogEnv>()
  .openapi(upload, async (c) => {
    const viewer = viewerOf(c);
    acceptedUploadType(AVATAR_POLICY, c.req.header("Content-Type")); // 415 before the body is read
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    // packages/http's upload policy: the bytes decide, by magic number (a declared image/png must really be one)
    const actual = checkUpload(AVATAR_POLICY, c.req.header("Content-Type"), bytes);
    const key = crypto.randomUUID().replaceAll("-", "");
    const object = await c.env.AVATARS.put(key, bytes, {
      httpMetadata: { contentType: actual },
      customMetadata: { userId: viewer.userId },
    });
    const db = blogDb(c.env.DB);
    const image = `${publicOrigin(c.env, c.req.url)}/blog/v1/avatars/${key}`;
    const stored = { key, contentType: actual, size: bytes.byteLength, etag: object.httpEtag };
    const previous = await saveAvatar(db, viewer.userId, stored, image, Date.now());
    // the previous uploads are no longer anyone's image
    if (previous.length > 0) {
      c.executionCtx.waitUntil(Promise.all([c.env.AVATARS.delete(previous), forgetAvatars(db, viewer.userId, previous)]));
    }
    return c.json({ image, contentType: actual, size: bytes.byteLength }, 201);
  })
  .openapi(serve, async (c) => {
    const object = await c.env.AVATARS.get(c.req.valid("param").key);
    if (!object) throw notFound("Avatar");
    const headers = {
      ETag: object.httpEtag,
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    };
    const inm = c.req.header("If-None-Match");
    if (inm?.split(",").some((t) => t.trim() === object.httpEtag || t.trim() === `W/${object.httpEtag}`)) {
      object.body.cancel();
      return c.body(null, 304, headers);
    }
    return c.body(object.body, 200, {
      ...headers,
      "Content-Type": object.httpMetadata?.contentType ?? "application/octet-stream",
    });
  });
