import { SAFE_PORTS, targetUrlProblem } from "@edgeworks/egress";
import { z } from "zod";

/** Headers the platform sets or the connection owns (RFC 9110 §7.6.1 hop-by-hop, plus ours). */
export const FORBIDDEN_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "expect",
  "x-edgeworks-signature",
  "x-edgeworks-job-id",
  "idempotency-key",
]);

/** RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Field values: visible ASCII, space and tab (RFC 9110 §5.5), so no CR, LF or NUL can split a header. */
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

const headers = z.record(z.string(), z.string()).superRefine((record, ctx) => {
  const names = Object.keys(record);
  if (names.length > 32) ctx.addIssue({ code: "custom", message: "At most 32 headers" });
  for (const name of names) {
    const value = record[name] as string;
    if (name.length > 64 || !TOKEN.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "Not a valid header name" });
    else if (FORBIDDEN_HEADERS.has(name.toLowerCase()))
      ctx.addIssue({ code: "custom", path: [name], message: `The header ${name} may not be set` });
    else if (value.length > 1024 || !FIELD_VALUE.test(value))
      ctx.addIssue({ code: "custom", path: [name], message: "Header values are at most 1024 printable ASCII characters (no CR/LF)" });
  }
});

/** Why a job may not request this URL by its text alone (private addresses, odd ports, …), or null. */
export const urlProblem = (raw: string): string | null => targetUrlProblem(raw, { ownHosts: [], blockedDomains: [], ports: SAFE_PORTS });

export const HTTP_METHODS = ["POST", "PUT", "PATCH", "DELETE", "GET"] as const;

export const httpRequestPayload = z
  .object({
    /** Checked again before the request and at every redirect, with DNS (src/handlers/egress.ts). */
    url: z.string().superRefine((raw, ctx) => {
      const problem = urlProblem(raw);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    method: z.enum(HTTP_METHODS).default("POST"),
    headers: headers.optional(),
    /** Any JSON, sent as `application/json`. */
    body: z.unknown().optional(),
    timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  })
  .strict()
  .refine((p) => !(p.method === "GET" && p.body !== undefined), { message: "A GET request has no body", path: ["body"] });
