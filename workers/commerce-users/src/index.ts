import { WorkerEntrypoint } from "cloudflare:workers";
import { accountsDirectory } from "@edgeworks/auth";
import { type RpcContext, serve, serviceLogger, type UsersApi, usersRpc } from "@edgeworks/commerce-contracts";
import { drizzle } from "drizzle-orm/d1";
import { addressOf } from "./addresses.service";
import { commerceUsers } from "./product";
import { contactOf } from "./profile.service";
import { meRouter } from "./routes/me";

export { RateLimiter } from "@edgeworks/ratelimit";

commerceUsers.v1.route("/", meRouter);

const worker = commerceUsers.worker();

/** The Worker's default export: the HTTP app (what the gateway's binding reaches without an entrypoint). */
export default worker;

/**
 * The users service's RPC entrypoint (`[[services]] … entrypoint = "UsersRpc"`): the contracts' `UsersApi`,
 * each input and answer parsed by `serve`. Its `fetch` runs the same app, so one binding serves both.
 */
export class UsersRpc extends WorkerEntrypoint<Env> implements UsersApi {
  override fetch(request: Request): Response | Promise<Response> {
    return worker.fetch(request, this.env, this.ctx);
  }

  /** Who to notify and how: null for an account the directory does not know. */
  async getContact(ctx: RpcContext, input: { userId: string }) {
    return serve(usersRpc.getContact, ctx, input, async (i, c) => {
      const logger = serviceLogger(this.env, "users", c);
      try {
        const contact = await contactOf(drizzle(this.env.DB), accountsDirectory(this.env), i.userId);
        logger.debug("contact read", { userId: i.userId, found: contact !== null });
        return contact;
      } finally {
        await logger.flush();
      }
    });
  }

  /** One live address of this user, or null (another user's, deleted, unknown). */
  async getAddress(ctx: RpcContext, input: { userId: string; addressId: string }) {
    return serve(usersRpc.getAddress, ctx, input, async (i) => addressOf(drizzle(this.env.DB), i.userId, i.addressId));
  }
}
