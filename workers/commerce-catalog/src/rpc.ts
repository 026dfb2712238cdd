import { WorkerEntrypoint } from "cloudflare:workers";
import {
  type CatalogApi,
  catalogRpc,
  type DeadLetterView,
  type OrderItems,
  opsRpc,
  type ProductPrice,
  serve,
  serviceLogger,
} from "@edgeworks/commerce-contracts";
import { ApiError, iso } from "@edgeworks/http";
import { type DeadLetter, listDeadLetters, redriveDeadLetters } from "@edgeworks/queue";
import { EVENTS_QUEUE_NAME } from "./events";

const toDeadLetterView = (d: DeadLetter): DeadLetterView => ({
  id: d.id,
  queue: d.queue,
  body: d.body,
  reason: d.reason,
  attempts: d.attempts,
  receivedAt: iso(d.receivedAt),
  redrivenAt: iso(d.redrivenAt),
});

/** Current prices and availability (the read model) of live products; unknown or deleted ids are left out. */
export async function productPrices(d1: D1Database, productIds: readonly string[]): Promise<ProductPrice[]> {
  const ids = [...new Set(productIds)];
  const { results } = await d1
    .prepare(
      `SELECT id, sku, name, unit_amount, currency, active, on_hand, reserved FROM products WHERE deleted_at IS NULL AND id IN (${ids.map(() => "?").join(", ")})`,
    )
    .bind(...ids)
    .all<{
      id: string;
      sku: string;
      name: string;
      unit_amount: number;
      currency: string;
      active: number;
      on_hand: number;
      reserved: number;
    }>();
  return results.map((r) => ({
    productId: r.id,
    sku: r.sku,
    name: r.name,
    unitAmount: r.unit_amount,
    currency: r.currency,
    active: r.active === 1,
    available: Math.max(0, r.on_hand - r.reserved),
  }));
}

/** The lines catalog holds for an order and where they stand (`none` when it never reserved anything). */
export async function orderItems(d1: D1Database, orderId: string): Promise<OrderItems> {
  const order = await d1.prepare("SELECT status FROM stock_orders WHERE order_id = ?").bind(orderId).first<{ status: string }>();
  if (!order || order.status === "cancelled") return { orderId, status: "none", lines: [] };
  const { results } = await d1
    .prepare("SELECT product_id, sku, name, quantity, unit_amount FROM order_reservations WHERE order_id = ? ORDER BY product_id")
    .bind(orderId)
    .all<{ product_id: string; sku: string; name: string; quantity: number; unit_amount: number }>();
  return {
    orderId,
    status: order.status as OrderItems["status"],
    lines: results.map((r) => ({ productId: r.product_id, sku: r.sku, name: r.name, quantity: r.quantity, unitAmount: r.unit_amount })),
  };
}

/**
 * The catalog's RPC entrypoint (`[[services]] … entrypoint = "CatalogRpc"`): the contract's CatalogApi,
 * every input and answer parsed with its schema, and `fetch` serving the same HTTP app as the default export.
 */
export function catalogRpcClass(app: { fetch: (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response> }) {
  return class CatalogRpc extends WorkerEntrypoint<Env> implements CatalogApi {
    override fetch(request: Request): Response | Promise<Response> {
      return app.fetch(request, this.env, this.ctx);
    }

    getProducts(ctx: unknown, input: unknown) {
      return serve(catalogRpc.getProducts, ctx, input, async (i) => ({ products: await productPrices(this.env.DB, i.productIds) }));
    }

    getOrderItems(ctx: unknown, input: unknown) {
      return serve(catalogRpc.getOrderItems, ctx, input, (i) => orderItems(this.env.DB, i.orderId));
    }

    deadLetters(ctx: unknown, input: unknown) {
      return serve(opsRpc.deadLetters, ctx, input, async (i) => {
        try {
          const page = await listDeadLetters(this.env.DB, {
            queue: EVENTS_QUEUE_NAME,
            limit: i.limit ?? 20,
            ...(i.cursor ? { cursor: i.cursor } : {}),
          });
          return { queue: EVENTS_QUEUE_NAME, items: page.items.map(toDeadLetterView), nextCursor: page.nextCursor };
        } catch (err) {
          if (err instanceof ApiError) throw new TypeError(`invalid RPC input: cursor: ${err.message}`);
          throw err;
        }
      });
    }

    redrive(ctx: unknown, input: unknown) {
      return serve(opsRpc.redrive, ctx, input, async (i, c) => {
        const result = await redriveDeadLetters(this.env.DB, {
          queue: EVENTS_QUEUE_NAME,
          ...(i.ids ? { ids: i.ids } : {}),
          send: async (bodies) => {
            await this.env.EVENTS_QUEUE.sendBatch(bodies.map((body) => ({ body, contentType: "json" as const })));
          },
        });
        const log = serviceLogger(this.env, "catalog", c);
        log.info("dead letters redriven", { redriven: result.redriven, ids: result.ids });
        await log.flush();
        return { queue: EVENTS_QUEUE_NAME, ...result };
      });
    }
  };
}
