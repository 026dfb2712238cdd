import { ApiError } from "@edgeworks/http";

/** The room object's refusal of an upgrade, as the platform's error. */
export async function refusalToError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { detail?: string };
  if (res.status === 403) return new ApiError("forbidden", body.detail);
  if (res.status === 401) return new ApiError("unauthorized", body.detail);
  return new ApiError("internal");
}
