import { NO_CONTROL, NO_NUL, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";
import { int, JOB_ID_PATTERN, jsonBytes, MAX_PAYLOAD_BYTES, nameField, PRINTABLE } from "./validation";

// Request bodies of the external worker protocol (lease, heartbeat, progress, log, complete, fail) and of
// the DLQ (payload edits, redrive/purge selections). The field rules are src/validation.ts's.
// ---- external workers

const token = textField({ min: 1, max: 256, pattern: PRINTABLE, rule: "Must be printable ASCII" }).openapi({
  description: "The lease token `lease` handed out",
  example: "t_3f1c2a7e",
});
const leaseSeconds = int(5, 3600, "Seconds until the lease lapses unless heartbeated, 5..3600", 30);

export const leaseBody = z
  .strictObject({
    max: int(1, 100, "At most this many jobs, 1..100. Default 1", 10).default(1),
    leaseSeconds: leaseSeconds.default(30),
    worker: nameField("This worker's name, shown on attempts").default("external"),
    names: z
      .array(nameField("A job name"))
      .min(1)
      .max(50)
      .optional()
      .openapi({ description: "Only these job names (default: every non-built-in name)" }),
  })
  .openapi("LeaseRequest");
export const heartbeatBody = z.strictObject({ token, leaseSeconds: leaseSeconds.optional() }).openapi("Heartbeat");
export const progressBody = z
  .strictObject({
    token,
    percent: z.number().min(0, "Must be at least 0").max(100, "Must be at most 100").openapi({ example: 40 }),
    message: textField({ min: 0, max: 500, pattern: NO_CONTROL, rule: "Must not contain control characters" }).optional(),
  })
  .openapi("Progress");
export const logBody = z
  .strictObject({
    token,
    lines: z
      .array(textField({ min: 0, max: 4096, pattern: NO_NUL, rule: "Must not contain NUL characters" }))
      .min(1, "At least one line")
      .max(100, "At most 100 lines"),
  })
  .openapi("LogLines");
export const completeBody = z
  .strictObject({ token, result: z.unknown().optional().openapi({ description: "Any JSON, at most 128 KiB serialized" }) })
  .superRefine((b, ctx) => {
    if (jsonBytes(b.result) > MAX_PAYLOAD_BYTES)
      ctx.addIssue({ code: "custom", path: ["result"], message: `Must be at most ${MAX_PAYLOAD_BYTES} bytes as JSON` });
  })
  .openapi("Complete");
export const failBody = z
  .strictObject({
    token,
    message: textField({ min: 1, max: 4096, pattern: NO_NUL, rule: "Must not contain NUL characters" }),
    stack: textField({ min: 0, max: 16_384, pattern: NO_NUL, rule: "Must not contain NUL characters" }).optional(),
    retry: z.boolean().optional().openapi({ description: "false: a permanent error, skip the remaining attempts" }),
  })
  .openapi("Fail");

// ---- DLQ

export const editPayloadBody = z
  .strictObject({ payload: z.unknown().openapi({ description: "The new payload, at most 128 KiB serialized" }) })
  .superRefine((b, ctx) => {
    if (!("payload" in b)) ctx.addIssue({ code: "custom", path: ["payload"], message: "Required" });
    else if (jsonBytes(b.payload) > MAX_PAYLOAD_BYTES)
      ctx.addIssue({ code: "custom", path: ["payload"], message: `Must be at most ${MAX_PAYLOAD_BYTES} bytes as JSON` });
  })
  .openapi("EditPayload");
export const deadSelectionBody = z
  .union([
    z.strictObject({
      ids: z
        .array(textField({ min: 1, max: 128, pattern: JOB_ID_PATTERN, rule: "Must be a job id" }))
        .min(1)
        .max(1000),
    }),
    z.strictObject({ all: z.literal(true), name: nameField("Only dead jobs of this name").optional() }),
  ])
  .openapi("DeadSelection", { description: "`{ids}` or `{all: true, name?}`" });
