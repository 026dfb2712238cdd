import type { z } from "zod";
import { BUILTIN_HANDLERS } from "./handlers/registry";

/**
 * The payload schema of a built-in job name (src/handlers/registry.ts), or undefined for a name an
 * external worker leases. Submissions, scheduled jobs and DLQ payload edits are checked with it (422).
 */
export function builtinPayloadSchema(name: string): z.ZodType | undefined {
  return Object.hasOwn(BUILTIN_HANDLERS, name) ? BUILTIN_HANDLERS[name]?.payload : undefined;
}
