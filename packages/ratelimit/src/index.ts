export * from "./client";
export * from "./gcra";
export * from "./middleware";
export { RateLimiter } from "./rate-limiter";
