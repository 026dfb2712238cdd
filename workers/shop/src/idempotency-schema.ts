// Idempotency keys of every mutating route, kept by packages/http's idempotency() middleware. Anonymous carts use
// `anon:<cart id>` as the owner.
export { idempotencyKeys } from "@edgeworks/http/schema";
