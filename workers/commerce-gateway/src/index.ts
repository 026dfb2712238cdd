import { finishDocument } from "@edgeworks/http";
import { mergedDocument } from "./docs.service";
import { gatewayFront } from "./front";
import { consumeLogs, pruneLogs, retentionDays } from "./logs/sink";
import type { OpenApiDoc } from "./openapi-merge";
import { commerceGateway } from "./product";
import { proxy } from "./proxy";
import { loadRegistry } from "./registry";
import { gatewayRouter } from "./routes/gateway";

export { RateLimiter } from "@edgeworks/ratelimit";

const { app } = commerceGateway;
const DOC_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "E-commerce microservices API",
    version: "1.0.0",
    description: "The gateway's own operations and every service's /commerce/v1 operations behind it.",
  },
  servers: [{ url: "/", description: "This origin (the front door)" }],
};

/** License, contact and the 304 of every GET, as on every product's document (packages/http `finishDocument`). */
const finished = (doc: OpenApiDoc): OpenApiDoc => finishDocument(doc as Parameters<typeof finishDocument>[0]) as OpenApiDoc;

// every /commerce/v1 request: registry, authentication (401 before any service), rate limit, log
app.use("/commerce/v1/*", gatewayFront());
// the gateway's own document alone (the conformance check reads it), and the merged one
app.get("/commerce/gateway/openapi.json", (c) => c.json(finished(app.getOpenAPI31Document(DOC_CONFIG) as unknown as OpenApiDoc)));
app.get("/commerce/openapi.json", async (c) => {
  const registry = await loadRegistry(c.env);
  const ttl = Number(c.env.OPENAPI_CACHE_SECONDS ?? "300") * 1000;
  const own = app.getOpenAPI31Document(DOC_CONFIG) as unknown as OpenApiDoc;
  return c.json(finished(await mergedDocument(c.env, registry.entries, own, Number.isFinite(ttl) ? ttl : 300_000)));
});

commerceGateway.v1.route("/", gatewayRouter);
const built = commerceGateway.build();
// after the own routes (mounted by build()), so they win: everything else under /commerce/v1 is proxied
built.all("/commerce/v1/*", proxy);

export default {
  fetch: built.fetch,
  queue: consumeLogs,
  scheduled: async (_controller: ScheduledController, env: Env) => {
    await pruneLogs(env.DB, retentionDays(env));
  },
} satisfies ExportedHandler<Env>;
