import { hasRole } from "@edgeworks/auth";
import { ApiError, createRouter } from "@edgeworks/http";
import { cancelOrder, createOrder, getOrder, listOrders, replayOrder, timeline } from "../orders.service";
import { COMMERCE_ADMIN, type CommerceOrdersEnv, withDeps } from "../product";
import { cancelOrderRoute, createOrderRoute, getOrderRoute, listOrdersRoute, replayRoute, timelineRoute } from "./orders.openapi";

/** Placing an order never runs without a key: a retried POST must not place a second order. */
function requireIdempotencyKey(header: string | undefined): void {
  if (header === undefined)
    throw new ApiError("validation_failed", "Placing an order requires an Idempotency-Key header (one value per order attempt)", {
      errors: [{ path: "idempotency-key", location: "header", message: "Required" }],
    });
}

/** /orders and /admin/orders: handlers validate (via the route schemas), call a service, shape the response. */
export const ordersRouter = createRouter<CommerceOrdersEnv>()
  .openapi(createOrderRoute, async (c) => {
    requireIdempotencyKey(c.req.header("Idempotency-Key"));
    const order = await withDeps(c, (deps) => createOrder(deps, c.req.valid("json")));
    c.header("Location", `/commerce/v1/orders/${order.id}`);
    return c.json(order, 202);
  })
  .openapi(listOrdersRoute, async (c) => c.json(await withDeps(c, (deps) => listOrders(deps, c.req.valid("query"))), 200))
  .openapi(getOrderRoute, async (c) => c.json(await withDeps(c, (deps) => getOrder(deps, c.req.valid("param").orderId)), 200))
  .openapi(cancelOrderRoute, async (c) => c.json(await withDeps(c, (deps) => cancelOrder(deps, c.req.valid("param").orderId)), 202))
  .openapi(timelineRoute, async (c) => c.json(await withDeps(c, (deps) => timeline(deps, c.req.valid("param").orderId)), 200))
  .openapi(replayRoute, async (c) => {
    if (!hasRole(c.var.auth, COMMERCE_ADMIN)) throw new ApiError("forbidden", `Replaying an order needs the "${COMMERCE_ADMIN}" role`);
    return c.json(await withDeps(c, (deps) => replayOrder(deps, c.req.valid("param").orderId)), 200);
  });
