import { createRouter } from "@edgeworks/http";
import { createItem, deleteItem, getItemOrThrow, listItems, updateItem } from "../items.service";
import { depsOf, type GatewayEnv } from "../product";
import { createItemRoute, deleteItemRoute, getItemRoute, listItemsRoute, updateItemRoute } from "./items.openapi";

/** /items: the user's items. Handlers validate (via the route schemas), call a service, shape the response. */
export const itemsRouter = createRouter<GatewayEnv>()
  .openapi(listItemsRoute, async (c) => c.json(await listItems(depsOf(c), c.req.valid("query")), 200))
  .openapi(createItemRoute, async (c) => {
    const item = await createItem(depsOf(c), c.req.valid("json"));
    c.header("Location", `/gateway/v1/items/${item.id}`);
    return c.json(item, 201);
  })
  .openapi(getItemRoute, async (c) => c.json(await getItemOrThrow(depsOf(c), c.req.valid("param").id), 200))
  .openapi(updateItemRoute, async (c) => c.json(await updateItem(depsOf(c), c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(deleteItemRoute, async (c) => {
    await deleteItem(depsOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
