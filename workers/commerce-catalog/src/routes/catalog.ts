import { createRouter } from "@edgeworks/http";
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

/** /products and /categories. Handlers validate (via the route schemas), call a service, shape the response. */
export const catalogRouter = createRouter<CommerceCatalogEnv>()
  .openapi(listProductsRoute, async (c) => c.json(await listProducts(depsOf(c), c.req.valid("query")), 200))
  .openapi(getProductRoute, async (c) => c.json(await getProduct(depsOf(c), c.req.valid("param").productId), 200))
  .openapi(createProductRoute, async (c) => {
    const product = await createProduct(depsOf(c), c.req.valid("json"));
    c.header("Location", `/commerce/v1/products/${product.id}`);
    return c.json(product, 201);
  })
  .openapi(updateProductRoute, async (c) =>
    c.json(await updateProduct(depsOf(c), c.req.valid("param").productId, c.req.valid("json")), 200),
  )
  .openapi(deleteProductRoute, async (c) => {
    await deleteProduct(depsOf(c), c.req.valid("param").productId);
    return c.body(null, 204);
  })
  .openapi(getInventoryRoute, async (c) => c.json(await getInventory(depsOf(c), c.req.valid("param").productId), 200))
  .openapi(setInventoryRoute, async (c) =>
    c.json(await setInventory(depsOf(c), c.req.valid("param").productId, c.req.valid("json").onHand), 200),
  )
  .openapi(listCategoriesRoute, async (c) => c.json({ items: await listCategories(depsOf(c).db) }, 200))
  .openapi(createCategoryRoute, async (c) => {
    return c.json(await createCategory(depsOf(c).db, c.req.valid("json"), Date.now()), 201);
  });
