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

export const HTTP_METHODS = ["POST", "PUT", "PATCH", "DELETE", "GET"] as const;

export const httpRequestPayload = z
  .object({
    url: z
      .string()
      .max(2048)
      .refine((raw) => /^https?:\/\//i.test(raw), "Must be an absolute http(s) URL"),
    method: z.enum(HTTP_METHODS).default("POST"),
    headers: headers.optional(),
    /** Any JSON, sent as `application/json`. */
    body: z.unknown().optional(),
    timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  })
  .strict()
  .refine((p) => !(p.method === "GET" && p.body !== undefined), { message: "A GET request has no body", path: ["body"] });
