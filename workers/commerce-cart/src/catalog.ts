import { call, catalogRpc, type ProductPrice, type ServiceLogger } from "@edgeworks/commerce-contracts";
import { ApiError } from "@edgeworks/http";

/** Seconds a client should wait after catalog could not be asked. */
export const CATALOG_RETRY_AFTER_SECONDS = 5;

/** The one answer for "catalog could not be asked (or answered off-contract)": 503 with Retry-After, never a 500. */
export const catalogUnavailable = (): ApiError =>
  new ApiError("service_unavailable", "The catalog is unavailable; try again shortly", {
    headers: { "Retry-After": String(CATALOG_RETRY_AFTER_SECONDS) },
  });

/**
 * Catalog's current prices over RPC (`CATALOG.getProducts`, the answer parsed with the contract).
 * Any failure — the binding throws, the answer does not parse — is {@link catalogUnavailable}.
 */
export function catalogPrices(env: { CATALOG: Fetcher }, ids: { requestId: string }, logger: ServiceLogger) {
  return async (productIds: string[]): Promise<ProductPrice[]> => {
    const wanted = [...new Set(productIds)];
    if (wanted.length === 0) return [];
    try {
      const { products } = await call(
        env.CATALOG,
        catalogRpc,
        "getProducts",
        { requestId: ids.requestId, correlationId: null },
        { productIds: wanted },
      );
      return products;
    } catch (error) {
      logger.warn("catalog getProducts failed", {
        error: error instanceof Error ? error.message : String(error),
        productIds: wanted.length,
      });
      throw catalogUnavailable();
    }
  };
}
