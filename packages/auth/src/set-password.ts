// The contract of accounts' `setPassword` RPC (workers/accounts implements it; the blog calls it for
// RealWorld's `PUT /user`): one definition, so caller and implementation cannot drift apart.

/** What the calling product knows about its user's proof of identity (the RPC's fourth argument). */
export interface SetPasswordProof {
  /** The current password, if the product asked for it. */
  currentPassword?: string;
  /** The `auth_time` of the caller's access token (epoch seconds); it can only make the check stricter. */
  authTime?: number;
}

/** The outcome of `setPassword`: expected failures are values, not exceptions, so RPC callers can map them. */
export type SetPasswordResult =
  | { ok: true }
  | {
      ok: false;
      reason: "invalid_password" | "not_found" | "session_revoked" | "reauthentication_required" | "wrong_password";
      message: string;
    };
