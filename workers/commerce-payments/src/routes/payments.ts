import { createRouter } from "@edgeworks/http";
import { getPaymentOrThrow, listPayments } from "../payments.queries";
import { type CommercePaymentsEnv, depsOf } from "../product";
import { getPaymentRoute, listPaymentsRoute } from "./payments.openapi";

/** /payments: the caller's payments (read-only; charges come over RPC from orders). */
export const paymentsRouter = createRouter<CommercePaymentsEnv>()
  .openapi(listPaymentsRoute, async (c) => c.json(await listPayments(depsOf(c), c.req.valid("query")), 200))
  .openapi(getPaymentRoute, async (c) => c.json(await getPaymentOrThrow(depsOf(c), c.req.valid("param").paymentId), 200));
