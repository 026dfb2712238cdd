import { ApiError, PROBLEM_CONTENT_TYPE } from "@edgeworks/http";
import type { Context } from "hono";

/**
 * 426 Upgrade Required as problem+json. The shared ApiError codes stop at the statuses every product
 * uses, so this one status of the WebSocket endpoint is built here in the same shape.
 */
export function upgradeRequired(c: Context): Response {
  const body = {
    type: "https://edgeworks.dev/problems/upgrade-required",
    title: "Upgrade required",
    status: 426,
    detail: "This endpoint only accepts WebSocket upgrades",
    instance: c.get("requestId" as never) as string | undefined,
    code: "upgrade_required",
  };
  return c.newResponse(JSON.stringify(body), 426, { "Content-Type": PROBLEM_CONTENT_TYPE, Upgrade: "websocket", Connection: "Upgrade" });
}

/** The room object's refusal of an upgrade, as the platform's error. */
export async function refusalToError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { detail?: string };
  if (res.status === 403) return new ApiError("forbidden", body.detail);
  if (res.status === 401) return new ApiError("unauthorized", body.detail);
  return new ApiError("internal");
}
