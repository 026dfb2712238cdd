import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { forgetDocuments } from "../src/docs.service";
import { mergeOpenApi, type OpenApiDoc } from "../src/openapi-merge";
import { DEFAULT_REGISTRY } from "../src/registry";
import { fakeService, fetchWith } from "./helpers";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
type Operation = { security?: unknown; responses: Record<string, { description?: string }> };
/** The operation `method` of `path` in `doc` (an empty one when missing, so the assertions fail, not throw). */
const operationOf = (doc: OpenApiDoc, path: string, method: string) => (doc.paths?.[path]?.[method] ?? { responses: {} }) as Operation;
const op = (schema: unknown) => ({ responses: { 200: { description: "ok", content: { "application/json": { schema } } } } });

const gateway: OpenApiDoc = {
  openapi: "3.1.0",
  info: { title: "E-commerce microservices API", version: "1.0.0" },
  paths: { "/commerce/v1/orders/{orderId}/summary": { get: op(ref("Problem")) }, "/commerce/health": { get: op(ref("Health")) } },
  components: { schemas: { Problem: { type: "object", properties: { code: { type: "string" } } }, Health: { type: "object" } } },
};
const catalog: OpenApiDoc = {
  tags: [{ name: "Products" }],
  paths: {
    "/commerce/v1/products": { get: op(ref("ProductPage")) },
    "/commerce/v1/products/{productId}": { get: op(ref("Product")), parameters: [] },
    // the service's own liveness: not reachable through the gateway
    "/commerce/health": { get: op(ref("Health")) },
    // routed to another service by the registry
    "/commerce/v1/cart": { get: op(ref("Product")) },
  },
  components: {
    schemas: {
      Problem: { type: "object", properties: { code: { type: "string" } } }, // identical: shared
      Health: { type: "object", properties: { status: { type: "string" } } }, // different: renamed
      Product: { type: "object", properties: { health: ref("Health") } },
      ProductPage: { type: "object", properties: { items: { type: "array", items: ref("Product") } } },
    },
  },
};
const orders: OpenApiDoc = {
  paths: {
    "/commerce/v1/orders": { post: op(ref("Order")) },
    // the gateway defines this operation itself
    "/commerce/v1/orders/{orderId}/summary": { get: op(ref("Order")) },
  },
  components: { schemas: { Order: { type: "object" }, Product: { type: "string" } } },
};

describe("mergeOpenApi", () => {
  it("merges paths and components, reports collisions, renames differing components and rewrites their refs", () => {
    const { document, collisions, unrouted } = mergeOpenApi(
      gateway,
      [
        { service: "catalog", doc: catalog },
        { service: "orders", doc: orders },
      ],
      DEFAULT_REGISTRY,
    );
    expect(Object.keys(document.paths ?? {}).sort()).toEqual([
      "/commerce/health",
      "/commerce/v1/orders",
      "/commerce/v1/orders/{orderId}/summary",
      "/commerce/v1/products",
      "/commerce/v1/products/{productId}",
    ]);
    // the gateway's operation won, the catalog's health never came in
    expect(document.paths?.["/commerce/v1/orders/{orderId}/summary"]?.get).toEqual(op(ref("Problem")));
    expect(document.paths?.["/commerce/health"]?.get).toEqual(op(ref("Health")));
    expect(collisions).toEqual([
      { kind: "component", name: "schemas/Health", kept: "gateway", other: "catalog", renamedTo: "Catalog_Health" },
      { kind: "component", name: "schemas/Product", kept: "catalog", other: "orders", renamedTo: "Orders_Product" },
      { kind: "operation", name: "GET /commerce/v1/orders/{orderId}/summary", kept: "gateway", other: "orders" },
    ]);
    expect(unrouted).toEqual(["catalog: GET /commerce/v1/cart"]);
    const schemas = document.components?.schemas ?? {};
    expect(Object.keys(schemas).sort()).toEqual([
      "Catalog_Health",
      "Health",
      "Order",
      "Orders_Product",
      "Problem",
      "Product",
      "ProductPage",
    ]);
    expect(schemas.Product).toEqual({ type: "object", properties: { health: ref("Catalog_Health") } });
    expect(schemas.ProductPage).toEqual({ type: "object", properties: { items: { type: "array", items: ref("Product") } } });
    expect(document.tags).toEqual([{ name: "Products" }]);
  });
});

describe("mergeOpenApi: operationIds", () => {
  it("stay unique: a service's operationId already taken is renamed <service><OperationId> and reported", () => {
    const named = (operationId: string) => ({ operationId, ...op(ref("Product")) });
    const { document, collisions } = mergeOpenApi(
      { ...gateway, paths: { "/commerce/v1/orders/{orderId}/summary": { get: named("getOrderSummary") } } },
      [
        { service: "catalog", doc: { paths: { "/commerce/v1/products": { get: named("getOrderSummary") } } } },
        { service: "payments", doc: { paths: { "/commerce/v1/payments": { get: named("listItems") } } } },
        { service: "cart", doc: { paths: { "/commerce/v1/cart": { get: named("listItems") } } } },
      ],
      DEFAULT_REGISTRY,
    );
    const idOf = (path: string) => (document.paths?.[path]?.get as { operationId?: string } | undefined)?.operationId;
    expect(idOf("/commerce/v1/orders/{orderId}/summary")).toBe("getOrderSummary");
    expect(idOf("/commerce/v1/products")).toBe("catalogGetOrderSummary");
    expect(idOf("/commerce/v1/payments")).toBe("listItems");
    expect(idOf("/commerce/v1/cart")).toBe("cartListItems");
    expect(collisions).toEqual([
      { kind: "operationId", name: "getOrderSummary", kept: "gateway", other: "catalog", renamedTo: "catalogGetOrderSummary" },
      { kind: "operationId", name: "listItems", kept: "payments", other: "cart", renamedTo: "cartListItems" },
    ]);
  });
});

describe("mergeOpenApi: what the gateway adds to the services' operations", () => {
  const payments: OpenApiDoc = {
    paths: {
      "/commerce/v1/payments/{paymentId}": { get: op(ref("Payment")) },
      "/commerce/v1/payments/webhooks/stripe": { post: op(ref("Payment")) },
      // a placeholder with a "{" but no "}" and odd segments: still routed, no crash
      "/commerce/v1/payments/{a}{b}/x": { get: op(ref("Payment")) },
    },
    components: { schemas: { Payment: { type: "object" } } },
  };
  const merged = () =>
    mergeOpenApi(
      {
        ...gateway,
        paths: { ...gateway.paths, "/commerce/v1/health": { get: op(ref("Health")) } },
      },
      [{ service: "payments", doc: payments }],
      DEFAULT_REGISTRY,
      { openPaths: ["/commerce/health", "/commerce/v1/health"] },
    ).document;

  it("every proxied operation documents 429 (Retry-After), 502 and 503 as problems; its own answers are kept", () => {
    const doc = merged();
    for (const path of ["/commerce/v1/payments/{paymentId}", "/commerce/v1/payments/webhooks/stripe", "/commerce/v1/payments/{a}{b}/x"]) {
      const operation = Object.values(doc.paths?.[path] ?? {})[0] as { responses: Record<string, Record<string, unknown>> };
      expect(Object.keys(operation.responses).sort()).toEqual(["200", "429", "502", "503"]);
      const r429 = operation.responses["429"] as { headers: Record<string, unknown>; content: Record<string, { schema: unknown }> };
      expect(r429.headers["Retry-After"]).toMatchObject({ schema: { type: "integer" } });
      expect(r429.content["application/problem+json"]?.schema).toEqual(ref("Problem"));
      for (const s of ["502", "503"])
        expect((operation.responses[s] as { content: Record<string, unknown> }).content["application/problem+json"]).toBeDefined();
    }
    // a service's own 429 wording is not replaced
    const own = mergeOpenApi(
      gateway,
      [{ service: "catalog", doc: { paths: { "/commerce/v1/products": { get: { responses: { 429: { description: "mine" } } } } } } }],
      DEFAULT_REGISTRY,
    ).document;
    expect(operationOf(own, "/commerce/v1/products", "get").responses["429"]?.description).toBe("mine");
  });

  it("public operations (the registry's public paths, the gateway's open paths) say security: []; the others do not", () => {
    const doc = merged();
    const get = (p: string, m: string) => doc.paths?.[p]?.[m] as { security?: unknown };
    expect(get("/commerce/v1/payments/webhooks/stripe", "post").security).toEqual([]);
    expect(get("/commerce/v1/health", "get").security).toEqual([]);
    expect(get("/commerce/health", "get").security).toEqual([]);
    expect(get("/commerce/v1/payments/{paymentId}", "get").security).toBeUndefined();
    expect(get("/commerce/v1/orders/{orderId}/summary", "get").security).toBeUndefined();
  });
});

describe("GET /commerce/openapi.json", () => {
  it("is the gateway's document merged with each service's, fetched over its binding; a service down is listed", async () => {
    forgetDocuments();
    const catalogSvc = fakeService(() => Response.json(catalog));
    const down = fakeService(() => new Response("no", { status: 503 }));
    const res = await fetchWith(
      {
        CATALOG: catalogSvc.binding,
        USERS: down.binding,
        CART: down.binding,
        ORDERS: down.binding,
        PAYMENTS: down.binding,
        NOTIFICATIONS: down.binding,
      },
      "/commerce/openapi.json",
    );
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc & { "x-merge": { unavailable: string[]; collisions: { name: string }[] } };
    expect(new URL(catalogSvc.seen[0]?.url ?? "").pathname).toBe("/commerce/openapi.json");
    expect(doc.info).toMatchObject({ title: "E-commerce microservices API", version: "1.0.0" });
    expect(Object.keys(doc.paths ?? {})).toEqual(
      expect.arrayContaining([
        "/commerce/v1/health",
        "/commerce/v1/orders/{orderId}/summary",
        "/commerce/v1/admin/logs",
        "/commerce/v1/products",
      ]),
    );
    expect(doc["x-merge"].unavailable.sort()).toEqual(["cart", "notifications", "orders", "payments", "users"]);
  });

  it("with the services of the run: their /commerce/v1 operations are in it", async () => {
    forgetDocuments();
    const doc = (await (await SELF.fetch("http://commerce.test/commerce/openapi.json")).json()) as OpenApiDoc & {
      "x-merge": { unavailable: string[]; collisions: unknown[] };
    };
    const paths = Object.keys(doc.paths ?? {});
    expect(paths).toContain("/commerce/v1/orders/{orderId}/summary");
    // every path is the gateway's or routed by the registry to the service that documented it
    for (const p of paths) expect(p === "/commerce/health" || p.startsWith("/commerce/v1/")).toBe(true);
    expect(doc["x-merge"].collisions).toEqual([]);
    // the rate limit on reads too, the gateway's own 502/503; the public operations
    const list = operationOf(doc, "/commerce/v1/products", "get");
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(["429", "502", "503"]));
    expect(operationOf(doc, "/commerce/v1/payments/webhooks/stripe", "post").security).toEqual([]);
    expect(operationOf(doc, "/commerce/v1/health", "get").security).toEqual([]);
    expect(operationOf(doc, "/commerce/health", "get").security).toEqual([]);
    // every operation is named, once; the document is finished like every product's (license, contact, 304 on GETs)
    const ids = Object.values(doc.paths ?? {}).flatMap((item) =>
      Object.values(item).map((o) => (o as { operationId?: string } | undefined)?.operationId ?? "(none)"),
    );
    expect(ids).not.toContain("(none)");
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.info).toMatchObject({ license: { name: "Proprietary" }, contact: { name: "Edgeworks maintainers" } });
    expect(Object.keys(operationOf(doc, "/commerce/v1/products", "get").responses)).toContain("304");
  });

  it("/commerce/docs is the reference page of the merged document", async () => {
    const res = await SELF.fetch("http://commerce.test/commerce/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-spec-url="/commerce/openapi.json"');
  });
});
