import type { Principal } from "@edgeworks/auth";
import type { AppEnv } from "@edgeworks/http";

/** Who is calling, with the credential they presented (returned as `user.token` by `GET /api/user`). */
export interface Viewer extends Principal {
  token: string;
}

/** Context variables: the viewer when a credential was given (optional on public RealWorld routes). */
export type BlogVariables = { viewer?: Viewer };

/** The Hono environment of this Worker: generated bindings plus the (optional) viewer. */
export type BlogEnv = AppEnv<Env, BlogVariables>;

/** The viewer of a route that required authentication (the middleware guarantees it). */
export const viewerOf = (c: { var: BlogVariables }): Viewer => {
  const viewer = c.var.viewer;
  if (!viewer) throw new Error("route requires authentication but no viewer was set");
  return viewer;
};
