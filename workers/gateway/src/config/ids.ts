// Ids of a validated config: given ids are kept; an entity without one takes the id of the previous
// version's entity with the same name (so an import without ids keeps keys, generations and health state
// attached), else a new one.
import type { z } from "zod";
import type { GatewayConfig, gatewayConfigSchema, Target } from "./model";
import { newId } from "./names";

type Parsed = z.output<typeof gatewayConfigSchema>;

/**
 * Fills in every missing id, reusing `previous`'s ids by name (targets: by url or binding within the
 * same service).
 *
 * @example const config = assignIds(gatewayConfigSchema.parse(doc), current);
 */
export function assignIds(parsed: Parsed, previous?: GatewayConfig): GatewayConfig {
  const prevServices = new Map((previous?.services ?? []).map((s) => [s.name, s]));
  const prevRoutes = new Map((previous?.routes ?? []).map((r) => [r.name, r.id]));
  const prevConsumers = new Map((previous?.consumers ?? []).map((c) => [c.username, c.id]));
  return {
    ...parsed,
    services: parsed.services.map((s) => {
      const prev = prevServices.get(s.name);
      const prevTargets = new Map((prev?.targets ?? []).map((t: Target) => [t.url ?? `binding:${t.binding}`, t.id]));
      return {
        ...s,
        id: s.id ?? prev?.id ?? newId("service"),
        targets: s.targets.map((t) => ({ ...t, id: t.id ?? prevTargets.get(t.url ?? `binding:${t.binding}`) ?? newId("target") })),
      };
    }),
    routes: parsed.routes.map((r) => ({ ...r, id: r.id ?? prevRoutes.get(r.name) ?? newId("route") })),
    consumers: parsed.consumers.map((c) => ({ ...c, id: c.id ?? prevConsumers.get(c.username) ?? newId("consumer") })),
  };
}
