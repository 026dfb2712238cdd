import { ApiError } from "@edgeworks/http";

// The Board's RPC results are the realtime package's Result (expected failures as data, unwrapped by the Worker).
export { asResult, type Result, unwrap } from "@edgeworks/realtime";

/** A 422 for one body field. */
export const invalidField = (path: string, message: string): ApiError =>
  new ApiError("validation_failed", "The request has invalid fields", { errors: [{ path, location: "body", message }] });
