import { createExecutionContext, env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { type CatalogApi, catalogRpc, opsRpc, rpc } from "@edgeworks/commerce-contracts";
import { describe, expect, it, vi } from "vitest";
import { CatalogRpc } from "../src/index";
import { createProduct, deliver, lineOf, newAdmin, newOrderId, orderCancelled, orderConfirmed, orderCreated } from "./helpers";

// The callee side of the contract: the CatalogRpc entrypoint reached as another Worker reaches it (a
// loopback service binding with real RPC serialisation); every answer parses with the contract's schema.
const catalog = () => rpc<CatalogApi>((exports as unknown as Record<string, Fetcher>).CatalogRpc as Fetcher);
const ctx = { requestId: "req_rpc_test", correlationId: null };
// refusals are checked on the class itself: a rejection through the loopback binding is also reported by
// the test pool as an unhandled error of the callee
const direct = () => new CatalogRpc(createExecutionContext(), env);

describe("CatalogRpc (contract: CatalogApi)", () => {
  it("getProducts answers prices and availability; unknown ids are left out; inactive ones say active:false", async () => {
    const a = await createProduct({ stock: 3, unitAmount: 1234 });
    const off = await createProduct({ stock: 1, active: false });
    const answer = await catalog().getProducts(ctx, { productIds: [a.id, off.id, "prd_unknown"] });
    expect(catalogRpc.getProducts.output.parse(answer)).toEqual(answer);
    expect([...answer.products].sort((x, y) => (x.productId < y.productId ? -1 : 1))).toEqual(
      [
        { productId: a.id, sku: a.sku, name: a.name, unitAmount: 1234, currency: "usd", active: true, available: 3 },
        { productId: off.id, sku: off.sku, name: off.name, unitAmount: off.unitAmount, currency: "usd", active: false, available: 1 },
      ].sort((x, y) => (x.productId < y.productId ? -1 : 1)),
    );
  });

  it("fetch on the same binding serves the HTTP app (how a mesh test creates a product with stock)", async () => {
    const { token } = await newAdmin();
    const res = await catalog().fetch("http://catalog/commerce/v1/products", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ sku: `SKU-${crypto.randomUUID()}`, name: "Tee", unitAmount: 1500, currency: "usd", stock: 10 }),
    });
    expect(res.status).toBe(201);
    const product = (await res.json()) as { id: string; available: number };
    expect(product.available).toBe(10);
    expect(await catalog().getProducts(ctx, { productIds: [product.id] })).toMatchObject({ products: [{ available: 10 }] });
    const denied = await catalog().fetch("http://catalog/commerce/v1/products", { method: "GET" });
    expect(denied.status).toBe(401);
  });

  it("refuses a bad input or context (a TypeError the caller sees), never a wrong answer", async () => {
    await expect(direct().getProducts(ctx, { productIds: [] })).rejects.toThrow(/invalid RPC input/);
    await expect(direct().getProducts(ctx, { productIds: ["../etc"] })).rejects.toThrow(/invalid RPC input/);
    await expect(direct().getOrderItems({}, { orderId: "ord_x" })).rejects.toThrow(/invalid RPC context/);
    await expect(direct().redrive(ctx, { ids: ["x".repeat(201)] })).rejects.toThrow(/invalid RPC input/);
  });

  it("getOrderItems follows the order's reservation: none → reserved → committed → released", async () => {
    const p = await createProduct({ stock: 5 });
    const orderId = newOrderId();
    const items = async () => {
      const answer = await catalog().getOrderItems(ctx, { orderId });
      expect(catalogRpc.getOrderItems.output.parse(answer)).toEqual(answer);
      return answer;
    };
    expect(await items()).toEqual({ orderId, status: "none", lines: [] });
    const created = orderCreated(orderId, [lineOf(p, 2)]);
    await deliver([created]);
    const line = { productId: p.id, sku: p.sku, name: p.name, quantity: 2, unitAmount: p.unitAmount };
    expect(await items()).toEqual({ orderId, status: "reserved", lines: [line] });
    await deliver([orderConfirmed(created)]);
    expect(await items()).toEqual({ orderId, status: "committed", lines: [line] });
    await deliver([orderCancelled(created, true)]);
    expect(await items()).toEqual({ orderId, status: "released", lines: [line] });
  });

  it("getOrderItems of a rejected order lists the lines as ordered with status rejected", async () => {
    const p = await createProduct({ stock: 0 });
    const orderId = newOrderId();
    await deliver([orderCreated(orderId, [lineOf(p, 1)])]);
    expect(await catalog().getOrderItems(ctx, { orderId })).toMatchObject({ orderId, status: "rejected", lines: [{ productId: p.id }] });
  });
});

describe("dead letters (DLQ consumer, deadLetters, redrive)", () => {
  it("records each DLQ message once, lists it, and redrives it back to the events queue once", async () => {
    const p = await createProduct({ stock: 2 });
    const orderId = newOrderId();
    const created = orderCreated(orderId, [lineOf(p, 1)]);
    const parked = { consumer: "catalog", messageId: "m1", issues: ["payload: bad"], body: { broken: true } };
    const dlq = "edgeworks-commerce-catalog-events-dlq";
    const first = await deliver([created, parked], dlq);
    expect(first.retryMessages).toEqual([]);
    const page = await catalog().deadLetters(ctx, { limit: 100 });
    expect(opsRpc.deadLetters.output.parse(page)).toEqual(page);
    expect(page.queue).toBe("edgeworks-commerce-catalog-events");
    const mine = page.items.filter((d) => JSON.stringify(d.body).includes(orderId) || JSON.stringify(d.body) === '{"broken":true}');
    expect(mine.map((d) => d.reason).sort()).toEqual(["invalid: payload: bad", null].sort());
    const letter = mine.find((d) => d.reason === null);
    expect(letter?.body).toEqual(created);
    await expect(direct().deadLetters(ctx, { cursor: "not-a-cursor" })).rejects.toThrow(/invalid RPC input/);

    const redriven = await catalog().redrive(ctx, { ids: [letter?.id ?? ""] });
    expect(opsRpc.redrive.output.parse(redriven)).toEqual(redriven);
    expect(redriven).toEqual({ queue: "edgeworks-commerce-catalog-events", redriven: 1, ids: [letter?.id] });
    expect(await catalog().redrive(ctx, { ids: [letter?.id ?? ""] })).toMatchObject({ redriven: 0, ids: [] });
    const after = await catalog().deadLetters(ctx, { limit: 100 });
    expect(after.items.map((d) => d.id)).not.toContain(letter?.id);
    // the redriven order.created reaches the consumer through the real queue and is reserved
    await vi.waitFor(
      async () => {
        const row = await env.DB.prepare("SELECT status FROM stock_orders WHERE order_id = ?").bind(orderId).first<{ status: string }>();
        expect(row?.status).toBe("reserved");
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});
