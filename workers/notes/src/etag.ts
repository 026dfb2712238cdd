import { ApiError } from "@edgeworks/http";
import { etagOf } from "./note-row";

/**
 * True when `If-Match` lets a write to this version through (RFC 9110 §13.1.1): absent, `*`, or a list
 * naming the current strong ETag. Weak tags never match, because If-Match uses strong comparison.
 */
export function ifMatchPasses(ifMatch: string | undefined, version: number): boolean {
  if (ifMatch === undefined) return true;
  const value = ifMatch.trim();
  if (value === "*") return true;
  const current = etagOf(version);
  for (const m of value.matchAll(/(W\/)?"([^"]*)"/g)) if (!m[1] && `"${m[2]}"` === current) return true;
  return false;
}

/** 412 when `If-Match` names another version: someone changed the note since the client read it. */
export function assertIfMatch(ifMatch: string | undefined, version: number): void {
  if (!ifMatchPasses(ifMatch, version)) {
    throw new ApiError("precondition_failed", "The note was changed since you read it (stale If-Match); fetch it again and retry", {
      headers: { ETag: etagOf(version) },
    });
  }
}
