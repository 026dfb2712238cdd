export { RateLimiter } from "@edgeworks/ratelimit";
export default { fetch: () => new Response("x") };
