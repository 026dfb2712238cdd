import { errors, jsonBody, jsonResponse, pageSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { createItemBody, itemIdParams, itemSchema, listItemsQuery, updateItemBody } from "../validation";

const base = { tags: ["Items"], security: [{ bearerAuth: [] }] };
const itemPage = pageSchema(itemSchema).openapi("ItemPage");

export const listItemsRoute = createRoute({
  ...base,
  operationId: "listItems",
  method: "get",
  path: "/items",
  summary: "List items",
  description: "Newest first, keyset-paginated: pass the page's `nextCursor` as `cursor` for the next one.",
  request: { query: listItemsQuery },
  responses: { 200: jsonResponse(itemPage, "A page of items"), ...errors(401, 403, 422) },
});

export const createItemRoute = createRoute({
  ...base,
  operationId: "createItem",
  method: "post",
  path: "/items",
  summary: "Create an item",
  request: { body: jsonBody(createItemBody) },
  responses: {
    201: {
      description: "Created",
      headers: z.object({ Location: z.string().openapi({ example: "/gateway/v1/items/V1StGXR8_Z5jdHi6B-myT" }) }),
      content: { "application/json": { schema: itemSchema } },
    },
    ...errors(400, 401, 403, 413, 415, 422, 429),
  },
});

export const getItemRoute = createRoute({
  ...base,
  operationId: "getItem",
  method: "get",
  path: "/items/{id}",
  summary: "Get an item",
  request: { params: itemIdParams },
  responses: { 200: jsonResponse(itemSchema, "The item"), ...errors(401, 403, 404, 422) },
});

export const updateItemRoute = createRoute({
  ...base,
  operationId: "updateItem",
  method: "patch",
  path: "/items/{id}",
  summary: "Update some fields of an item",
  description: "Only the given fields change; `null` clears `note`; `{}` is a no-op returning the item.",
  request: { params: itemIdParams, body: jsonBody(updateItemBody) },
  responses: { 200: jsonResponse(itemSchema, "The updated item"), ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
});

export const deleteItemRoute = createRoute({
  ...base,
  operationId: "deleteItem",
  method: "delete",
  path: "/items/{id}",
  summary: "Delete an item",
  request: { params: itemIdParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});
