// The shop's D1 tables (drizzle), one module per area; test/conformance.test.ts checks them against
// migrations/shop/*.sql (schema drift).
export * from "./cart/schema";
export * from "./catalog/schema";
export * from "./idempotency-schema";
export * from "./orders/schema";
