import { requireRole } from "@edgeworks/auth";
import { errors, jsonBody, jsonResponse, pageSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import { COMMERCE_ADMIN } from "../product";
import {
  categorySchema,
  createCategoryBody,
  createProductBody,
  inventorySchema,
  listProductsQuery,
  productIdParams,
  productSchema,
  setInventoryBody,
  updateProductBody,
} from "../validation";

const security = [{ bearerAuth: [] }];
const products = { tags: ["Products"], security };
const adminOnly = requireRole(COMMERCE_ADMIN);
const ADMIN = "Needs the `commerce:admin` role (403 otherwise).";
const productPage = pageSchema(productSchema).openapi("ProductPage");

export const listProductsRoute = createRoute({
  operationId: "listProducts",
  ...products,
  method: "get",
  path: "/products",
  summary: "List products",
  description:
    "Newest first, keyset-paginated (`nextCursor` → `cursor`). `category` is a category id or slug; `q` a substring of the name or " +
    "SKU. Only active products, except for `commerce:admin` callers (who see inactive ones too).",
  request: { query: listProductsQuery },
  responses: { 200: jsonResponse(productPage, "A page of products"), ...errors(401, 403, 422) },
});

export const getProductRoute = createRoute({
  operationId: "getProduct",
  ...products,
  method: "get",
  path: "/products/{productId}",
  summary: "Get a product",
  description: "An inactive or deleted product is 404 (admins see inactive ones).",
  request: { params: productIdParams },
  responses: { 200: jsonResponse(productSchema, "The product"), ...errors(401, 403, 404, 422) },
});

export const createProductRoute = createRoute({
  operationId: "createProduct",
  ...products,
  method: "post",
  path: "/products",
  summary: "Create a product (admin)",
  description: `The SKU is unique among live products (409); an unknown \`categoryId\` is 422; \`stock\` sets the units on hand. ${ADMIN}`,
  middleware: [adminOnly] as const,
  request: { body: jsonBody(createProductBody) },
  responses: {
    201: {
      description: "Created",
      headers: z.object({ Location: z.string().openapi({ example: "/commerce/v1/products/prd_V1StGXR8_Z5jdHi6B-myT" }) }),
      content: { "application/json": { schema: productSchema } },
    },
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

export const updateProductRoute = createRoute({
  operationId: "updateProduct",
  ...products,
  method: "patch",
  path: "/products/{productId}",
  summary: "Change a product (admin)",
  description: `Only the given fields change; \`{}\` is a no-op. Prices of orders already placed do not change. ${ADMIN}`,
  middleware: [adminOnly] as const,
  request: { params: productIdParams, body: jsonBody(updateProductBody) },
  responses: { 200: jsonResponse(productSchema, "The product"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

export const deleteProductRoute = createRoute({
  operationId: "deleteProduct",
  ...products,
  method: "delete",
  path: "/products/{productId}",
  summary: "Delete a product (admin)",
  description: `Soft delete: new orders see it as unknown; stock held for open orders is committed or released as usual. ${ADMIN}`,
  middleware: [adminOnly] as const,
  request: { params: productIdParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});

export const getInventoryRoute = createRoute({
  operationId: "getInventory",
  ...products,
  method: "get",
  path: "/products/{productId}/inventory",
  summary: "A product's stock (admin)",
  description: `From the product's Inventory object: units on hand, reserved by open orders, and available. ${ADMIN}`,
  middleware: [adminOnly] as const,
  request: { params: productIdParams },
  responses: { 200: jsonResponse(inventorySchema, "The stock"), ...errors(401, 403, 404, 422) },
});

export const setInventoryRoute = createRoute({
  operationId: "setInventory",
  ...products,
  method: "put",
  path: "/products/{productId}/inventory",
  summary: "Set a product's units on hand (admin)",
  description: `Below what open orders have reserved is 409 (nothing changes). ${ADMIN}`,
  middleware: [adminOnly] as const,
  request: { params: productIdParams, body: jsonBody(setInventoryBody) },
  responses: { 200: jsonResponse(inventorySchema, "The stock"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

const categories = { tags: ["Categories"], security };

export const listCategoriesRoute = createRoute({
  operationId: "listCategories",
  ...categories,
  method: "get",
  path: "/categories",
  summary: "List categories",
  description: "Every category, by slug.",
  responses: {
    200: jsonResponse(z.object({ items: z.array(categorySchema) }).openapi("CategoryList"), "The categories"),
    ...errors(401, 403),
  },
});

export const createCategoryRoute = createRoute({
  operationId: "createCategory",
  ...categories,
  method: "post",
  path: "/categories",
  summary: "Create a category (admin)",
  description: `Slugs are unique (409). ${ADMIN}`,
  middleware: [adminOnly] as const,
  request: { body: jsonBody(createCategoryBody) },
  responses: {
    201: jsonResponse(categorySchema, "Created"),
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
  },
});
