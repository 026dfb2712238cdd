import { errors, jsonBody, jsonResponse, pageSchema, problemSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { bulkCreateBody, createLinkBody, linkIdParams, linkSchema, listLinksQuery, MAX_BULK, updateLinkBody } from "../validation";

/** The DNS-over-HTTPS check of target hosts could not run (fail closed: nothing was created or changed). */
const dnsUnavailable = {
  description: "The DNS check of a target host failed or timed out; retry after Retry-After",
  content: { "application/problem+json": { schema: problemSchema } },
};

const base = { tags: ["Links"], security: [{ bearerAuth: [] }] };
const linkPage = pageSchema(linkSchema).openapi("LinkPage");

export const createLinkRoute = createRoute({
  operationId: "createLink",
  tags: ["Links"],
  // either a bearer token or nothing at all (anonymous); typed wide so route inference keeps the body type
  security: [{ bearerAuth: [] }, {}] as Record<string, string[]>[],
  method: "post",
  path: "/links",
  summary: "Shorten a URL",
  description:
    "Open to anonymous callers (no Authorization header): 10 links per hour per network (IPv6 /64), and such links have no owner, so " +
    "nobody can list, edit or delete them. With a token (`links:write`): 120 links per minute per user. The slug is " +
    "generated (7 URL-safe characters) unless `slug` is given; a taken slug is 409. Every URL (target, `expiredUrl`, rule " +
    "targets) must be http(s), at most 2048 characters, without credentials, not a private/loopback/link-local address in " +
    "any spelling, not `localhost` or another private name, not a wildcard-DNS service (nip.io, sslip.io, localtest.me, …) " +
    "or a name spelling a private address, no label mixing scripts (IDN homographs), not this shortener, and not on the " +
    "domain blocklist (422). Host names are resolved over DNS-over-HTTPS and refused when they answer with a private " +
    "address (422); when that lookup fails the link is refused with 503 and Retry-After (fail closed).",
  request: { body: jsonBody(createLinkBody) },
  responses: {
    201: {
      description: "Created",
      headers: z.object({ Location: z.string().openapi({ example: "/links/v1/links/V1StGXR8_Z5jdHi6B-myT" }) }),
      content: { "application/json": { schema: linkSchema } },
    },
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
    503: dnsUnavailable,
  },
});

const bulkResult = z
  .object({
    index: z.number().int().openapi({ description: "Position in the request's `links`" }),
    ok: z.boolean(),
    status: z.number().int().openapi({ description: "What a single create would have answered: 201, 409, 422 …" }),
    link: linkSchema.optional(),
    error: problemSchema.optional(),
  })
  .openapi("BulkResult");

export const bulkCreateRoute = createRoute({
  ...base,
  operationId: "bulkCreateLinks",
  method: "post",
  path: "/links/bulk",
  summary: "Shorten up to 100 URLs at once",
  description:
    `A 207-style answer: 200 with one result per input, in order; each link is validated and created on its own, so ` +
    `one bad entry does not stop the others. Costs one create per entry from the caller's rate limit. At most ${MAX_BULK}.`,
  request: { body: jsonBody(bulkCreateBody) },
  responses: {
    200: jsonResponse(
      z.object({ created: z.number().int(), failed: z.number().int(), results: z.array(bulkResult) }).openapi("BulkCreateResult"),
      "One result per input",
    ),
    ...errors(400, 401, 403, 413, 415, 422, 429),
    503: dnsUnavailable,
  },
});

export const listLinksRoute = createRoute({
  ...base,
  operationId: "listLinks",
  method: "get",
  path: "/links",
  summary: "List your links",
  description: "Newest first, keyset-paginated; filter by `tag`, search `q` in url, slug and title.",
  request: { query: listLinksQuery },
  responses: { 200: jsonResponse(linkPage, "A page of links"), ...errors(401, 403, 422) },
});

export const getLinkRoute = createRoute({
  ...base,
  operationId: "getLink",
  method: "get",
  path: "/links/{id}",
  summary: "Get a link",
  request: { params: linkIdParams },
  responses: { 200: jsonResponse(linkSchema, "The link"), ...errors(401, 403, 404, 422) },
});

export const updateLinkRoute = createRoute({
  ...base,
  operationId: "updateLink",
  method: "patch",
  path: "/links/{id}",
  summary: "Change a link",
  description: "The cached copy is dropped before the answer, so the redirect follows the change at once (e.g. `disabled: true`).",
  request: { params: linkIdParams, body: jsonBody(updateLinkBody) },
  responses: { 200: jsonResponse(linkSchema, "The updated link"), ...errors(400, 401, 403, 404, 413, 415, 422, 429), 503: dnsUnavailable },
});

export const deleteLinkRoute = createRoute({
  ...base,
  operationId: "deleteLink",
  method: "delete",
  path: "/links/{id}",
  summary: "Delete a link",
  description: "The short URL answers 404 at once; the slug is never given to another link.",
  request: { params: linkIdParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});
