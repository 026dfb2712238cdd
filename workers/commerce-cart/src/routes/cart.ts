import { createRouter } from "@edgeworks/http";
import { clearCart, getCart, putItem, removeItem } from "../cart.service";
import { type CommerceCartEnv, depsOf } from "../product";
import { clearCartRoute, getCartRoute, putItemRoute, removeItemRoute } from "./cart.openapi";

/** /cart: the caller's cart. Handlers validate (via the route schemas), call a service, shape the response. */
export const cartRouter = createRouter<CommerceCartEnv>()
  .openapi(getCartRoute, async (c) => c.json(await getCart(depsOf(c)), 200))
  .openapi(putItemRoute, async (c) => c.json(await putItem(depsOf(c), c.req.valid("param").productId, c.req.valid("json").quantity), 200))
  .openapi(removeItemRoute, async (c) => c.json(await removeItem(depsOf(c), c.req.valid("param").productId), 200))
  .openapi(clearCartRoute, async (c) => {
    await clearCart(depsOf(c));
    return c.body(null, 204);
  });
