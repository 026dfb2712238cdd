import { createRouter } from "@edgeworks/http";
import type { Context } from "hono";
import type { GatewayEnv } from "../product";
import { requireWorkspace } from "../workspaces/access";
import { etagOf } from "../workspaces/config-io";
import { configDepsOf, ifMatchVersion } from "../workspaces/deps";
import {
  createEntity,
  deleteEntity,
  type Entity,
  getEntity,
  KINDS,
  listEntities,
  serviceInUse,
  updateEntity,
} from "../workspaces/entities";
import { revokeConsumerKeys } from "../workspaces/keys.service";
import { ENTITY_APIS, type EntityApi, entityRoutes } from "./entities.openapi";

type C = Context<GatewayEnv>;

/** The entry's id (or, for issuers, its name): the last segment of its Location. */
const refOf = (api: EntityApi, entity: Entity) => String(KINDS[api.kind].hasId ? entity.id : entity[KINDS[api.kind].nameField]);

function routerOf(api: EntityApi) {
  const r = entityRoutes(api);
  const at = (c: C) => ({ deps: configDepsOf(c), ifVersion: ifMatchVersion(c.req.header("If-Match")) });
  return createRouter<GatewayEnv>()
    .openapi(r.list, async (c) => {
      const ws = await requireWorkspace(c, c.req.valid("param").ws, "viewer");
      return c.json(await listEntities(configDepsOf(c), ws, api.kind), 200);
    })
    .openapi(r.create, async (c) => {
      const { ws: slug } = c.req.valid("param");
      const ws = await requireWorkspace(c, slug, "admin");
      const { deps, ifVersion } = at(c);
      const { version, entity } = await createEntity(deps, ws, api.kind, c.req.valid("json"), { ifVersion });
      c.header("Location", `/gateway/v1/workspaces/${slug}/${api.kind}/${refOf(api, entity)}`);
      c.header("ETag", etagOf(version));
      return c.json(entity, 201);
    })
    .openapi(r.get, async (c) => {
      const params = c.req.valid("param");
      const ws = await requireWorkspace(c, params.ws as string, "viewer");
      return c.json((await getEntity(configDepsOf(c), ws, api.kind, params[api.param] as string)).entity, 200);
    })
    .openapi(r.update, async (c) => {
      const params = c.req.valid("param");
      const ws = await requireWorkspace(c, params.ws as string, "admin");
      const { deps, ifVersion } = at(c);
      const { version, entity } = await updateEntity(deps, ws, api.kind, params[api.param] as string, c.req.valid("json"), { ifVersion });
      c.header("ETag", etagOf(version));
      return c.json(entity, 200);
    })
    .openapi(r.remove, async (c) => {
      const params = c.req.valid("param");
      const ws = await requireWorkspace(c, params.ws as string, "admin");
      const { deps, ifVersion } = at(c);
      const refuse = api.kind === "services" ? serviceInUse : undefined;
      const { version, entity } = await deleteEntity(deps, ws, api.kind, params[api.param] as string, { ifVersion, refuse });
      // a deleted consumer's keys die with it: a later rollback that brings the consumer back never revives them
      if (api.kind === "consumers") await revokeConsumerKeys(deps, ws, String(entity.id));
      c.header("ETag", etagOf(version));
      return c.body(null, 204);
    });
}

/** /workspaces/{ws}/services|routes|consumers|issuers: each entry of the config on its own, every write a version. */
export const entitiesRouter = ENTITY_APIS.reduce((router, api) => router.route("/", routerOf(api)), createRouter<GatewayEnv>());
