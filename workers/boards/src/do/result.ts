// The Board's RPC results are the realtime package's Result (expected failures as data, unwrapped by the Worker).

/** A 422 for one body field: packages/http's, re-exported for the Board's modules. */
export { invalidField } from "@edgeworks/http";
export { asResult, type Result, unwrap } from "@edgeworks/realtime";
