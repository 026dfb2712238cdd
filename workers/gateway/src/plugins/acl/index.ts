import { z } from "zod";
import type { GatewayMiddleware, PluginDefinition } from "../../contract";
import { pluginProblem } from "../problem";

const group = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, "must be a group name (≤ 64 of A-Za-z0-9_.:-)");
const schema = z
  .strictObject({
    /** The consumer needs at least one of these groups (absent: any consumer). */
    allow: z.array(group).max(100).optional(),
    /** A consumer in any of these groups is refused, even when also allowed. */
    deny: z.array(group).max(100).optional(),
  })
  .refine((c) => (c.allow?.length ?? 0) + (c.deny?.length ?? 0) > 0, "give allow or deny groups");
export type AclConfig = z.output<typeof schema>;

function create(config: AclConfig): GatewayMiddleware {
  const allow = config.allow ? new Set(config.allow) : null;
  const deny = new Set(config.deny ?? []);
  return async function acl(ctx, next) {
    const consumer = ctx.consumer;
    // acl runs after auth (config validation says so); an anonymous caller here came through `anonymous: true`
    if (!consumer) return pluginProblem(ctx, "forbidden", "This route needs an identified consumer");
    if (consumer.groups.some((g) => deny.has(g))) return pluginProblem(ctx, "forbidden", "This consumer may not use this route");
    if (allow && !consumer.groups.some((g) => allow.has(g))) {
      return pluginProblem(ctx, "forbidden", "This consumer may not use this route");
    }
    return next();
  };
}

/**
 * The `acl` plugin: `{ allow?: groups[], deny?: groups[] }` on the consumer `auth` identified → 403 otherwise.
 * Deny wins over allow.
 *
 * @example PLUGINS.acl.schema.parse({ allow: ["partners"] })
 */
export const plugin: PluginDefinition<typeof schema> = { name: "acl", schema, create };
