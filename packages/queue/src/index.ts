export * from "./backoff";
export * from "./batcher";
export * from "./consumer";
export * from "./dead-letters";
export type { BaseConsumerOptions, Delivery, IdempotencyOptions } from "./deliveries";
export * from "./idempotency";
export * from "./outbox";
export * from "./schema";
