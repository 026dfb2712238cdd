import { WorkerEntrypoint } from "cloudflare:workers";
import { type CartApi, cartRpc, type RpcContext, serve, serviceLogger } from "@edgeworks/commerce-contracts";
import { drizzle } from "drizzle-orm/d1";
import { cartOf, commerceCart } from "./product";
import { cartRouter } from "./routes/cart";
import { carts } from "./schema";

export { RateLimiter } from "@edgeworks/ratelimit";
export { Cart } from "./do/cart";

commerceCart.v1.route("/", cartRouter);

const worker = commerceCart.worker();

/** The Worker's default export: the HTTP app. */
export default worker;

/**
 * The cart service's RPC entrypoint (`[[services]] … entrypoint = "CartRpc"`): the contracts' `CartApi`,
 * each input and answer parsed by `serve`. Its `fetch` runs the same app, so one binding serves both.
 */
export class CartRpc extends WorkerEntrypoint<Env> implements CartApi {
  override fetch(request: Request): Response | Promise<Response> {
    return worker.fetch(request, this.env, this.ctx);
  }

  /** The user's cart lines (product and quantity; orders prices them with catalog itself). */
  async getCart(ctx: RpcContext, input: { userId: string }) {
    return serve(cartRpc.getCart, ctx, input, async (i) => {
      const lines = await cartOf(this.env, i.userId).lines();
      return { userId: i.userId, lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) };
    });
  }

  /** Empties the cart once for this order: `cleared` false for a repeat (nothing changed). */
  async clearCart(ctx: RpcContext, input: { userId: string; orderId: string }) {
    return serve(cartRpc.clearCart, ctx, input, async (i, c) => {
      const logger = serviceLogger(this.env, "cart", { requestId: c.requestId, correlationId: c.correlationId ?? i.orderId });
      try {
        const t = Date.now();
        const cleared = await cartOf(this.env, i.userId).clearForOrder(i.orderId, t);
        if (cleared) {
          const row = { userId: i.userId, lineCount: 0, itemCount: 0, currency: null, updatedAt: t };
          await drizzle(this.env.DB)
            .insert(carts)
            .values(row)
            .onConflictDoUpdate({ target: carts.userId, set: row })
            .catch((error) => logger.warn("carts read model not updated", { error: String(error) }));
        }
        logger.info(cleared ? "cart cleared for order" : "cart already cleared for order", { userId: i.userId, orderId: i.orderId });
        return { cleared };
      } finally {
        await logger.flush();
      }
    });
  }
}
