import type { PluginDefinition, PluginName } from "../contract";
import { plugin as acl } from "./acl";
import { plugin as aggregate } from "./aggregate";
import { plugin as auth } from "./auth";
import { plugin as cache } from "./cache";
import { plugin as cors } from "./cors";
import { plugin as ipRestriction } from "./ip-restriction";
import { plugin as rateLimit } from "./rate-limit";
import { plugin as requestId } from "./request-id";
import { plugin as requestSizeLimit } from "./request-size-limit";
import { plugin as transform } from "./transform";

/**
 * Every plugin by name: config validation reads each one's schema, the proxy builds each one's middleware.
 *
 * @example const rl = PLUGINS["rate-limit"]; rl.schema.parse({ ... });
 */
export const PLUGINS: Readonly<Record<PluginName, PluginDefinition>> = {
  "request-id": requestId,
  cors,
  "ip-restriction": ipRestriction,
  "request-size-limit": requestSizeLimit,
  auth,
  acl,
  "rate-limit": rateLimit,
  cache,
  transform,
  aggregate,
};
