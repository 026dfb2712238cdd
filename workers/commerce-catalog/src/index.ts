import { relayEvents } from "@edgeworks/commerce-contracts";
import { queue } from "./events";
import { commerceCatalog } from "./product";
import { catalogRouter } from "./routes/catalog";
import { catalogRpcClass } from "./rpc";

export { RateLimiter } from "@edgeworks/ratelimit";
export { Inventory } from "./do/inventory";

commerceCatalog.v1.route("/", catalogRouter);

const worker = commerceCatalog.worker({
  queue,
  /** Every minute: the outbox sweeper sends what a consumer's own relay left behind. */
  scheduled: async (_controller, env) => {
    await relayEvents(env, env.DB);
  },
});

/** RPC (CatalogApi) and the same HTTP app: `[[services]] binding = "CATALOG" … entrypoint = "CatalogRpc"`. */
export const CatalogRpc = catalogRpcClass(worker);

export default worker;
