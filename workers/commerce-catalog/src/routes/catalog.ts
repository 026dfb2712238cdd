import { CORRELATION_ID_HEADER, serviceLogger } from "@edgeworks/commerce-contracts";
import { createRouter } from "@edgeworks/http";
import type { Context } from "hono";
import {
  createCategory,
  createProduct,
  deleteProduct,
  getInventory,
  getProduct,
  listCategories,
  listProducts,
  setInventory,
  updateProduct,
} from "../catalog.service";
import { type CommerceCatalogEnv, depsOf } from "../product";
import {
  createCategoryRoute,
  createProductRoute,
  deleteProductRoute,
  getInventoryRoute,
  getProductRoute,
  listCategoriesRoute,
  listProductsRoute,
  setInventoryRoute,
  updateProductRoute,
} from "./catalog.openapi";

/** Logs a state change with the request's ids (to the console and the gateway's log sink, after the response). */
function logChange(c: Context<CommerceCatalogEnv>, msg: string, fields: Record<string, unknown>): void {
  const log = serviceLogger(c.env, "catalog", {
    requestId: c.get("requestId"),
    correlationId: c.req.header(CORRELATION_ID_HEADER)?.slice(0, 200) ?? null,
  });
  log.info(msg, { userId: c.var.auth.userId, ...fields });
  c.executionCtx.waitUntil(log.flush());
}

/** /products and /categories. Handlers validate (via the route schemas), call a service, shape the response. */
export const catalogRouter = createRouter<CommerceCatalogEnv>()
  .openapi(listProductsRoute, async (c) => c.json(await listProducts(depsOf(c), c.req.valid("query")), 200))
  .openapi(getProductRoute, async (c) => c.json(await getProduct(depsOf(c), c.req.valid("param").productId), 200))
  .openapi(createProductRoute, async (c) => {
    const product = await createProduct(depsOf(c), c.req.valid("json"));
    logChange(c, "product created", { productId: product.id, sku: product.sku, available: product.available });
    c.header("Location", `/commerce/v1/products/${product.id}`);
    return c.json(product, 201);
  })
  .openapi(updateProductRoute, async (c) => {
    const patch = c.req.valid("json");
    const product = await updateProduct(depsOf(c), c.req.valid("param").productId, patch);
    logChange(c, "product changed", { productId: product.id, fields: Object.keys(patch) });
    return c.json(product, 200);
  })
  .openapi(deleteProductRoute, async (c) => {
    const { productId } = c.req.valid("param");
    await deleteProduct(depsOf(c), productId);
    logChange(c, "product deleted", { productId });
    return c.body(null, 204);
  })
  .openapi(getInventoryRoute, async (c) => c.json(await getInventory(depsOf(c), c.req.valid("param").productId), 200))
  .openapi(setInventoryRoute, async (c) => {
    const stock = await setInventory(depsOf(c), c.req.valid("param").productId, c.req.valid("json").onHand);
    logChange(c, "stock set", { ...stock });
    return c.json(stock, 200);
  })
  .openapi(listCategoriesRoute, async (c) => c.json({ items: await listCategories(depsOf(c).db) }, 200))
  .openapi(createCategoryRoute, async (c) => {
    const category = await createCategory(depsOf(c).db, c.req.valid("json"), Date.now());
    logChange(c, "category created", { categoryId: category.id, slug: category.slug });
    return c.json(category, 201);
  });
