import type { z } from "zod";
import type { JobHandler } from "./context";
import { emailSend } from "./email-send";
import { emailSendPayload } from "./email-send.payload";
import { httpRequest } from "./http-request";
import { httpRequestPayload } from "./http-request.payload";
import { imageThumbnail } from "./image-thumbnail";
import { imageThumbnailPayload } from "./image-thumbnail.payload";
import { testFail, testFailPayload } from "./test-fail";
import { testSleep, testSleepPayload } from "./test-sleep";

export { type HandlerContext, HandlerCrash, isHandlerCrash, type JobHandler, PermanentError } from "./context";

/**
 * The built-in handlers by job name. Submit validates a built-in job's payload with `payload` (→ 422);
 * the runner calls `handler` with the stored payload (handlers parse it again, so a payload edited in
 * the DLQ is checked too).
 */
export const BUILTIN_HANDLERS: Record<string, { handler: JobHandler; payload: z.ZodType }> = {
  "http.request": { handler: httpRequest, payload: httpRequestPayload },
  "email.send": { handler: emailSend, payload: emailSendPayload },
  "image.thumbnail": { handler: imageThumbnail, payload: imageThumbnailPayload },
  "test.sleep": { handler: testSleep, payload: testSleepPayload },
  "test.fail": { handler: testFail, payload: testFailPayload },
};

/** True for the names the Queues consumer runs (the others wait for an external worker's lease). */
export const isBuiltin = (name: string): boolean => Object.hasOwn(BUILTIN_HANDLERS, name);
