import {
  call,
  catalogRpc,
  type OrderItems,
  type OrderView,
  ordersRpc,
  type PaymentView,
  paymentsRpc,
  type RpcContext,
} from "@edgeworks/commerce-contracts";
import { notFound } from "@edgeworks/http";
import type { Registry } from "./registry";
import { entryOf } from "./registry";
import { bindingOf, describeFailure, serviceUnavailable } from "./upstream";

export interface Warning {
  service: string;
  detail: string;
}

export interface OrderSummary {
  orderId: string;
  order: OrderView | null;
  payment: PaymentView | null;
  items: OrderItems | null;
  warnings: Warning[];
}

function bindingFor(env: object, registry: Registry, service: string): Fetcher {
  const entry = entryOf(registry, service);
  const binding = entry ? bindingOf(env, entry.binding) : null;
  if (!binding) throw new Error(`no binding for ${service}`);
  return binding;
}

/**
 * One order with its payment and its reserved items: three RPCs at once (orders.getOrder,
 * payments.getPayment, catalog.getOrderItems), each answer parsed with the contract. The order decides:
 * missing or another user's → 404 (whatever the others said). When orders is down, the caller's own
 * payment for the order (payments scopes it by user) still proves the order is theirs, and the answer is
 * partial; without it (none yet, or not theirs: it cannot tell), 503. Any other failed call leaves its part null with a warning.
 * `userId` null: an operator, any owner.
 */
export async function orderSummary(
  env: object,
  registry: Registry,
  { orderId, userId, ctx }: { orderId: string; userId: string | null; ctx: RpcContext },
): Promise<OrderSummary> {
  const [order, payment, items] = await Promise.allSettled([
    Promise.resolve().then(() => call(bindingFor(env, registry, "orders"), ordersRpc, "getOrder", ctx, { orderId, userId })),
    Promise.resolve().then(() => call(bindingFor(env, registry, "payments"), paymentsRpc, "getPayment", ctx, { orderId, userId })),
    Promise.resolve().then(() => call(bindingFor(env, registry, "catalog"), catalogRpc, "getOrderItems", ctx, { orderId })),
  ]);
  const warnings: Warning[] = [];
  if (order.status === "fulfilled") {
    if (order.value === null) throw notFound("Order");
  } else {
    warnings.push({ service: "orders", detail: describeFailure(order.reason) });
    // without the order, only the caller's own payment shows the order is theirs
    if (payment.status !== "fulfilled" || payment.value === null) throw serviceUnavailable("orders");
  }
  if (payment.status === "rejected") warnings.push({ service: "payments", detail: describeFailure(payment.reason) });
  if (items.status === "rejected") warnings.push({ service: "catalog", detail: describeFailure(items.reason) });
  return {
    orderId,
    order: order.status === "fulfilled" ? order.value : null,
    payment: payment.status === "fulfilled" ? payment.value : null,
    items: items.status === "fulfilled" ? items.value : null,
    warnings,
  };
}
