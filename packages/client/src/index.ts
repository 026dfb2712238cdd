// Typed clients for every product, from the OpenAPI documents the products serve (see README.md).
// The types and the create<Product>Client helpers in ./generated are written by `pnpm client:gen` from
// the registry (products.json at the root); the calls go through openapi-fetch, which is plain fetch +
// Request underneath, so the same client runs in workerd, browsers and Node.
export type { Client, Middleware } from "openapi-fetch";
export {
  bearerAuth,
  createProductClient,
  type OperationClient,
  type OperationMethod,
  type OperationTable,
  type ProductClientOptions,
  type TokenSource,
  withOperations,
} from "./create";
export * from "./generated/index";
export { type Problem, problemText } from "./problem";
