import { errors, jsonBody, jsonResponse, problemSchema } from "@edgeworks/http";
import { createRoute } from "@hono/zod-openapi";
import { cartSchema, productParams, putItemBody } from "../validation";

const base = { tags: ["Cart"], security: [{ bearerAuth: [] }] };
/** Catalog could not be asked (or answered off-contract): retry after `Retry-After`. */
const catalogDown = {
  503: { description: "The catalog is unavailable; see Retry-After", content: { "application/problem+json": { schema: problemSchema } } },
};

export const getCartRoute = createRoute({
  operationId: "getCart",
  ...base,
  method: "get",
  path: "/cart",
  summary: "My cart",
  description:
    "Every line priced by catalog now. A product that is gone or inactive stays listed with `active: false` and a warning, " +
    "and is left out of `itemCount` and `amount`; a quantity above what is available is a warning (the order's reservation decides).",
  responses: { 200: jsonResponse(cartSchema, "The cart"), ...errors(401, 403), ...catalogDown },
});

export const putItemRoute = createRoute({
  operationId: "setCartItem",
  ...base,
  method: "put",
  path: "/cart/items/{productId}",
  summary: "Set a product's quantity",
  description:
    "Adds the product or replaces its quantity (1..1000). Unknown product: 404; inactive: 409; priced in another currency than " +
    "the cart's: 409; a 51st product: 409.",
  request: { params: productParams, body: jsonBody(putItemBody) },
  responses: { 200: jsonResponse(cartSchema, "The cart"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429), ...catalogDown },
});

export const removeItemRoute = createRoute({
  operationId: "removeCartItem",
  ...base,
  method: "delete",
  path: "/cart/items/{productId}",
  summary: "Remove a product",
  description: "404 when the product is not in the cart.",
  request: { params: productParams },
  responses: { 200: jsonResponse(cartSchema, "The cart"), ...errors(401, 403, 404, 422, 429), ...catalogDown },
});

export const clearCartRoute = createRoute({
  operationId: "clearCart",
  ...base,
  method: "delete",
  path: "/cart",
  summary: "Empty my cart",
  responses: { 204: { description: "Emptied" }, ...errors(401, 403, 429) },
});
