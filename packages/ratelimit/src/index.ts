export * from "./client";
export * from "./gcra";
export * from "./middleware";
export { type LimitSpec, type MultiDecision, RateLimiter } from "./rate-limiter";
export * from "./windows";
