// The same-origin HTTP API: the session (@edgeworks/ui's createSession: tokens from accounts, per tab, as
// the jobs dashboard does) and the gateway's admin API, every call with the current access token (refreshed
// once when it has expired).
import { createSession } from "@edgeworks/ui/session";
import type { components } from "../../../packages/client/src/generated/gateway";

export { ApiFailure, type User } from "@edgeworks/ui/session";

const session = createSession("gateway:session");

export const { currentUser, logIn, register, logOut, whenLoggedOut } = session;

/**
 * An authenticated JSON call to the gateway API (same origin); a 401 triggers one refresh and one retry.
 *
 * @example const page = await api<Page<Workspace>>("/gateway/v1/workspaces?limit=100");
 */
export const api = session.api;

// The admin API's shapes, from the types generated out of its OpenAPI document (packages/client), so the page
// cannot drift from what the server answers.
type Schemas = components["schemas"];
/** A workspace as the picker uses it. */
export type Workspace = Schemas["Workspace"];
/** `GET …/analytics`: its totals and each row (see the OpenAPI document). */
export type Analytics = Schemas["Analytics"];
/** One row of `GET …/analytics`, or its totals. */
export type Stats = Schemas["AnalyticsStats"];
/** `GET …/status`: services → targets. */
export type Status = Schemas["WorkspaceStatus"];

/** `/gateway/v1/workspaces/<slug>` with the slug encoded. */
export const workspacePath = (slug: string) => `/gateway/v1/workspaces/${encodeURIComponent(slug)}`;
