import { createRouter } from "@edgeworks/http";
import type { GatewayEnv } from "../product";
import { requireWorkspace } from "../workspaces/access";
import { configDepsOf } from "../workspaces/deps";
import { issueKey, keysOf, revokeKey } from "../workspaces/keys.service";
import { createKeyRoute, listKeysRoute, revokeKeyRoute } from "./keys.openapi";

/** /workspaces/{ws}/consumers/{consumer}/keys: the gateway's own API keys (hashed, shown once). */
export const keysRouter = createRouter<GatewayEnv>()
  .openapi(listKeysRoute, async (c) => {
    const { ws, consumer } = c.req.valid("param");
    return c.json(await keysOf(configDepsOf(c), await requireWorkspace(c, ws as string, "viewer"), consumer as string), 200);
  })
  .openapi(createKeyRoute, async (c) => {
    const { ws, consumer } = c.req.valid("param");
    const issued = await issueKey(configDepsOf(c), await requireWorkspace(c, ws as string, "admin"), consumer as string);
    c.header("Location", `/gateway/v1/workspaces/${ws}/consumers/${consumer}/keys/${issued.id}`);
    c.header("Cache-Control", "no-store");
    return c.json(issued, 201);
  })
  .openapi(revokeKeyRoute, async (c) => {
    const { ws, consumer, keyId } = c.req.valid("param");
    await revokeKey(configDepsOf(c), await requireWorkspace(c, ws as string, "admin"), consumer as string, keyId as string);
    return c.body(null, 204);
  });
