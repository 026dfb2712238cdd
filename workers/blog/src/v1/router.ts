import { ApiError, createRouter, onError } from "@edgeworks/http";
import type { Context } from "hono";
import { AccountsError } from "../accounts";
import { AuthError, type BlogEnv } from "../product";
import { v1ArticlesRouter } from "./articles";
import { v1AvatarsRouter } from "./avatars";
import { v1CategoriesRouter } from "./categories";
import { v1DevRouter } from "./dev";
import { v1FeedsRouter } from "./feeds";
import { v1SearchRouter } from "./search";

/** problem+json for `/blog/v1`; a refused credential is 401 with a Bearer challenge. */
export function v1ErrorResponse(err: unknown, c: Context): Response {
  if (err instanceof AuthError) {
    const description = err.reason === "missing" ? "Authentication required" : "The credential is invalid, expired or lacks the blog scope";
    return onError(
      new ApiError("unauthorized", description, {
        headers: {
          "WWW-Authenticate": `Bearer realm="edgeworks", error="${err.reason === "missing" ? "invalid_request" : "invalid_token"}"`,
        },
      }),
      c,
    );
  }
  // accounts unreachable (the first write of an account without a blog profile makes the profile from its name)
  if (err instanceof AccountsError && err.status === 503) {
    const headers = err.retryAfter ? { "Retry-After": err.retryAfter } : undefined;
    return onError(new ApiError("service_unavailable", "The accounts service is unavailable, retry later", { headers }), c);
  }
  return onError(err, c);
}

export const v1Router = createRouter<BlogEnv>();
for (const router of [v1ArticlesRouter, v1CategoriesRouter, v1SearchRouter, v1FeedsRouter, v1AvatarsRouter]) v1Router.route("/", router);
v1Router.route("/", v1DevRouter);
