import { ApiError, createRouter, fieldErrors } from "@edgeworks/http";
import { createLink } from "../create-link.service";
import { deleteLink, getLinkOrThrow, updateLink } from "../links.service";
import { listLinks } from "../list-links.service";
import { authenticateIfPresent, depsOf, type LinksEnv, limitCreate, limitCreates, type MaybeAuthEnv, ownerDepsOf } from "../product";
import { createLinkBody, type Link } from "../validation";
import { bulkCreateRoute, createLinkRoute, deleteLinkRoute, getLinkRoute, listLinksRoute, updateLinkRoute } from "./links.openapi";

/**
 * POST /links: open to anonymous callers, so it has its own optional authentication and its own
 * rate limit (per user, or strictly per client network), both before the body is read.
 */
export const createRouterForLinks = createRouter<MaybeAuthEnv>();
createRouterForLinks.on("POST", "/links", authenticateIfPresent, limitCreate);
createRouterForLinks.openapi(createLinkRoute, async (c) => {
  const link = await createLink(depsOf(c), c.req.valid("json"));
  c.header("Location", `/links/v1/links/${link.id}`);
  return c.json(link, 201);
});

type BulkResult = { index: number; ok: true; status: 201; link: Link } | { index: number; ok: false; status: number; error: object };

/** The owner's routes: the authenticated router's middleware has run (token, scope, write limit). */
export const linksRouter = createRouter<LinksEnv>()
  .openapi(bulkCreateRoute, async (c) => {
    const { links } = c.req.valid("json");
    await limitCreates(c, links.length);
    const deps = ownerDepsOf(c);
    const requestId = c.var.requestId;
    const results: BulkResult[] = [];
    for (const [index, item] of links.entries()) {
      const parsed = createLinkBody.safeParse(item);
      if (!parsed.success) {
        const err = new ApiError("validation_failed", "The link has invalid fields", { errors: fieldErrors(parsed.error, "body") });
        results.push({ index, ok: false, status: err.status, error: err.toProblem(requestId) });
        continue;
      }
      try {
        results.push({ index, ok: true, status: 201, link: await createLink(deps, parsed.data) });
      } catch (err) {
        if (!(err instanceof ApiError) || err.status >= 500) throw err;
        results.push({ index, ok: false, status: err.status, error: err.toProblem(requestId) });
      }
    }
    const created = results.filter((r) => r.ok).length;
    return c.json({ created, failed: results.length - created, results }, 200);
  })
  .openapi(listLinksRoute, async (c) => c.json(await listLinks(ownerDepsOf(c), c.req.valid("query")), 200))
  .openapi(getLinkRoute, async (c) => c.json(await getLinkOrThrow(ownerDepsOf(c), c.req.valid("param").id), 200))
  .openapi(updateLinkRoute, async (c) => c.json(await updateLink(ownerDepsOf(c), c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(deleteLinkRoute, async (c) => {
    await deleteLink(ownerDepsOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
