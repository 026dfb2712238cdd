// The same-origin HTTP API: the session (@edgeworks/ui's createSession: tokens from accounts, per tab, as
// the jobs dashboard does) and the gateway's admin API, every call with the current access token (refreshed
// once when it has expired).
import { createSession } from "@edgeworks/ui/session";

export { ApiFailure, type User } from "@edgeworks/ui/session";

const session = createSession("gateway:session");

export const { currentUser, logIn, register, logOut, whenLoggedOut } = session;

/**
 * An authenticated JSON call to the gateway API (same origin); a 401 triggers one refresh and one retry.
 *
 * @example const page = await api<Page<Workspace>>("/gateway/v1/workspaces?limit=100");
 */
export const api = session.api;

/** A workspace as the picker uses it. */
export interface Workspace {
  slug: string;
  name: string;
  role: string;
}

/** One row of `GET …/analytics` (see the OpenAPI document). */
export interface Stats {
  key?: string | null;
  count: number;
  errors: number;
  errorRate: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** `GET …/status`: services → targets. */
export interface Status {
  version: number;
  services: {
    name: string;
    available: boolean;
    targets: {
      targetId: string;
      url: string | null;
      binding: string | null;
      healthy: boolean;
      breaker: "closed" | "open" | "half-open";
      window: { requests: number; errors: number; slow: number };
      lastProbe: { at: string; ok: boolean; status: number | null; error: string | null } | null;
    }[];
  }[];
}

/** `/gateway/v1/workspaces/<slug>` with the slug encoded. */
export const workspacePath = (slug: string) => `/gateway/v1/workspaces/${encodeURIComponent(slug)}`;
