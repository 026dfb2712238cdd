import { z } from "zod";
import type { GatewayMiddleware, PluginDefinition } from "../../contract";
import { pluginProblem } from "../problem";
import { addressToBigInt, type Cidr, inAnyCidr, parseCidr } from "./cidr";

const cidr = z
  .string()
  .max(49)
  .refine((s) => parseCidr(s) !== null, "must be an IPv4 or IPv6 address or CIDR (10.0.0.0/8, 2001:db8::/32)");
const schema = z
  .strictObject({
    /** Only clients in these ranges pass (absent: any client not denied). */
    allow: z.array(cidr).max(1000).optional(),
    /** Clients in these ranges are refused, even when also allowed. */
    deny: z.array(cidr).max(1000).optional(),
  })
  .refine((c) => (c.allow?.length ?? 0) + (c.deny?.length ?? 0) > 0, "give allow or deny ranges");
export type IpRestrictionConfig = z.output<typeof schema>;

const parsed = (list: string[] | undefined): Cidr[] => (list ?? []).map((s) => parseCidr(s)).filter((c) => c !== null);

function create(config: IpRestrictionConfig): GatewayMiddleware {
  const allow = config.allow ? parsed(config.allow) : null;
  const deny = parsed(config.deny);
  return async function ipRestriction(ctx, next) {
    const address = addressToBigInt(ctx.clientIp);
    // an address we cannot read ("unknown") is in no range: refused by an allow list, passed by a deny list
    const denied = address === null ? allow !== null : inAnyCidr(address, deny) || (allow !== null && !inAnyCidr(address, allow));
    if (denied) return pluginProblem(ctx, "forbidden", "Your IP address may not use this route", { logCode: "ip_restricted" });
    return next();
  };
}

/**
 * The `ip-restriction` plugin: `{ allow?: CIDR[], deny?: CIDR[] }` (IPv4 and IPv6) on the client's address → 403.
 *
 * @example PLUGINS["ip-restriction"].schema.parse({ deny: ["192.0.2.0/24", "2001:db8::/32"] })
 */
export const plugin: PluginDefinition<typeof schema> = { name: "ip-restriction", schema, create };
