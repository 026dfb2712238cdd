import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors";

/** The bindings `devOnly` reads: the `DEV_MODE` var (`"true"` only in development). */
export interface DevModeBindings {
  DEV_MODE?: string;
}

/**
 * Guards development helpers (outboxes of would-be emails and notifications, which hold live tokens):
 * unless `DEV_MODE` is `"true"` the request gets exactly the 404 of an unknown route, so production
 * does not reveal that the route exists. Put it before validation, so a bad query is 404 there too.
 *
 * @example
 * devRouter.use("/dev/*", devOnly());
 * createRoute({ method: "get", path: "/dev/outbox", middleware: [devOnly()] as const, ... });
 */
export function devOnly<E extends { Bindings: DevModeBindings }>(): MiddlewareHandler<E> {
  return async function devOnly(c, next) {
    if (c.env.DEV_MODE !== "true") throw new ApiError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
    return next();
  };
}
