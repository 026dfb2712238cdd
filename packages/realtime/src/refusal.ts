import { ApiError, type ErrorCode, upgradeRequired } from "@edgeworks/http";

/** Why an upgrade is refused: answered by the Durable Object as `{code, detail}` with `status`. */
export interface Refusal {
  status: 401 | 403 | 404 | 426;
  code: ErrorCode;
  detail: string;
}

/**
 * The object's answer to a refused upgrade (never a socket).
 *
 * @example return refusalResponse({ status: 403, code: "forbidden", detail: "Not a member" });
 */
export const refusalResponse = (r: Refusal): Response => Response.json({ code: r.code, detail: r.detail }, { status: r.status });

/** The refusal for a ticket that is missing, unknown, expired or spent. */
export const badTicket: Refusal = { status: 401, code: "unauthorized", detail: "The ticket is invalid, expired or already used" };

/**
 * True for a request that asks to become a WebSocket.
 *
 * @example if (!isUpgrade(c.req.raw)) throw upgradeRequired("This endpoint only speaks WebSocket");
 */
export const isUpgrade = (request: Request): boolean => request.headers.get("Upgrade")?.toLowerCase() === "websocket";

/**
 * The Worker's side: an object's refusal (`{code, detail}` with a status) as the platform's ApiError,
 * so `onError` renders it as problem+json. A 426 names the protocol to upgrade to.
 *
 * @example
 * const res = await stub.fetch(request);
 * if (res.status === 101) return res;
 * throw await refusalToError(res);
 */
export async function refusalToError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { code?: ErrorCode; detail?: string };
  if (res.status === 426) return upgradeRequired(body.detail ?? "This endpoint only speaks WebSocket");
  if (res.status === 401) return new ApiError("unauthorized", body.detail);
  if (res.status === 403) return new ApiError("forbidden", body.detail);
  if (res.status === 404) return new ApiError("not_found", body.detail);
  return new ApiError("internal");
}
