import { accountsDirectory } from "@edgeworks/auth";
import { createRouter, errors, jsonBody, jsonResponse, problemSchema } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { depsOf, type NotesEnv } from "../product";
import { createPublicLink, revokePublicLink } from "../public-links.service";
import type { ItemType } from "../schema";
import { listSharedWithMe, listShares, revokeShare, type SharingDeps, shareItem } from "../shares.service";
import {
  publicLinkSchema,
  shareBody,
  sharedPageSchema,
  sharedQuery,
  shareListSchema,
  shareParams,
  shareSchema,
} from "../sharing.validation";
import { notebookIdParams, noteIdParams } from "../validation";

const base = { tags: ["Sharing"], security: [{ bearerAuth: [] }] };
const sharingDeps = (c: Context<NotesEnv>): SharingDeps => ({ ...depsOf(c), directory: accountsDirectory(c.env) });
const label = { note: "note", notebook: "notebook (and its subtree)" } as const;
const collection = { note: "notes", notebook: "notebooks" } as const;

const shareRoutes = (type: ItemType) => {
  const path = `/${collection[type]}/{id}/shares`;
  const idParams = type === "note" ? noteIdParams : notebookIdParams;
  return {
    share: createRoute({
      ...base,
      operationId: type === "note" ? "shareNote" : "shareNotebook",
      method: "post",
      path,
      summary: `Share a ${label[type]} with a user by email`,
      description:
        "Owner only. `viewer` reads; `editor` also edits. Sharing again changes the role (200). An unknown email, or your own, is 422.",
      request: { params: idParams, body: jsonBody(shareBody) },
      responses: {
        201: jsonResponse(shareSchema, "Shared"),
        200: jsonResponse(shareSchema, "The role of an existing share was set"),
        ...errors(400, 401, 403, 404, 413, 415, 422, 429),
        503: {
          description: "The user directory is unavailable; retry",
          content: { "application/problem+json": { schema: problemSchema } },
        },
      },
    }),
    list: createRoute({
      ...base,
      operationId: type === "note" ? "listNoteShares" : "listNotebookShares",
      method: "get",
      path,
      summary: `Who a ${type} is shared with`,
      description: "Owner only.",
      request: { params: idParams },
      responses: { 200: jsonResponse(shareListSchema, "The shares"), ...errors(401, 403, 404, 422) },
    }),
    revoke: createRoute({
      ...base,
      operationId: type === "note" ? "revokeNoteShare" : "revokeNotebookShare",
      method: "delete",
      path: `${path}/{userId}`,
      summary: `Stop sharing a ${type} with a user`,
      description: "The owner revokes anyone's share; a sharee may remove their own (leave). 404 when there is no such share.",
      request: { params: shareParams },
      responses: { 204: { description: "Revoked" }, ...errors(401, 403, 404, 422, 429) },
    }),
  };
};

const note = shareRoutes("note");
const notebook = shareRoutes("notebook");

const sharedWithMeRoute = createRoute({
  operationId: "listSharedWithMe",
  ...base,
  method: "get",
  path: "/shared",
  summary: "What others shared with you",
  description: "Notes and notebooks shared with you (a notebook brings its subtree: list its notes with `GET /notes?notebookId=`).",
  request: { query: sharedQuery },
  responses: { 200: jsonResponse(sharedPageSchema, "A page of shared items"), ...errors(401, 403, 422) },
});

const createPublicLinkRoute = createRoute({
  operationId: "createPublicLink",
  ...base,
  method: "post",
  path: "/notes/{id}/public-link",
  summary: "Create the note's public read-only link",
  description:
    "Owner only. Anyone with the link reads the note (JSON, HTML page and its attachments) without signing in. Creating it again " +
    "replaces the link (the old one stops working). The token is shown only now.",
  request: { params: noteIdParams },
  responses: { 201: jsonResponse(publicLinkSchema, "The link"), ...errors(401, 403, 404, 422, 429) },
});

const revokePublicLinkRoute = createRoute({
  operationId: "revokePublicLink",
  ...base,
  method: "delete",
  path: "/notes/{id}/public-link",
  summary: "Revoke the note's public link",
  request: { params: noteIdParams },
  responses: { 204: { description: "Revoked" }, ...errors(401, 403, 404, 422, 429) },
});

const mount = (router: ReturnType<typeof createRouter<NotesEnv>>, type: ItemType, routes: ReturnType<typeof shareRoutes>) =>
  router
    .openapi(routes.share, async (c) => {
      const { share, created } = await shareItem(sharingDeps(c), type, c.req.valid("param").id, c.req.valid("json"));
      return created ? c.json(share, 201) : c.json(share, 200);
    })
    .openapi(routes.list, async (c) => c.json({ items: await listShares(sharingDeps(c), type, c.req.valid("param").id) }, 200))
    .openapi(routes.revoke, async (c) => {
      const { id, userId } = c.req.valid("param");
      await revokeShare(depsOf(c), type, id, userId);
      return c.body(null, 204);
    });

export const sharingRouter = createRouter<NotesEnv>();
mount(sharingRouter, "note", note);
mount(sharingRouter, "notebook", notebook);
sharingRouter
  .openapi(sharedWithMeRoute, async (c) => c.json(await listSharedWithMe(sharingDeps(c), c.req.valid("query")), 200))
  .openapi(createPublicLinkRoute, async (c) => {
    const { token, createdAt } = await createPublicLink(depsOf(c), c.req.valid("param").id);
    const origin = new URL(c.req.url).origin;
    const url = `${origin}/notes/v1/public/${token}`;
    return c.json({ token, url, htmlUrl: `${url}/html`, createdAt }, 201);
  })
  .openapi(revokePublicLinkRoute, async (c) => {
    await revokePublicLink(depsOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
