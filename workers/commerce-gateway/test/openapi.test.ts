import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { forgetDocuments } from "../src/docs.service";
import { mergeOpenApi, type OpenApiDoc } from "../src/openapi-merge";
import { DEFAULT_REGISTRY } from "../src/registry";
import { fakeService, fetchWith } from "./helpers";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
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
  });

  it("/commerce/docs is the reference page of the merged document", async () => {
    const res = await SELF.fetch("http://commerce.test/commerce/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-spec-url="/commerce/openapi.json"');
  });
});
