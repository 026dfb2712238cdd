import { env } from "cloudflare:test";
import { createTestClient, newTestUser, type TestUser } from "@edgeworks/testing";
import { expect } from "vitest";

export const BASE = "http://commerce-cart.test/commerce/v1";

export type CartLine = {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitAmount: number;
  currency: string;
  lineAmount: number;
  available: number;
  active: boolean;
};
export type Cart = {
  lines: CartLine[];
  itemCount: number;
  amount: number;
  currency: string | null;
  warnings: { productId: string; code: string; detail: string }[];
};
export const EMPTY: Cart = { lines: [], itemCount: 0, amount: 0, currency: null, warnings: [] };

/** A fresh user with the commerce scopes. */
export const newUser = (scope = "commerce:read commerce:write"): Promise<TestUser> => newTestUser(scope);

export const api = createTestClient(BASE);
export const call = api.call;

let seq = 0;
/** A product in the catalog Worker beside this one (written into its D1, as its admin API would), unique id and sku. */
export async function seedProduct(
  fields: { unitAmount?: number; currency?: string; active?: boolean; onHand?: number; reserved?: number; name?: string; id?: string } = {},
) {
  const n = `${Date.now().toString(36)}${++seq}${Math.random().toString(36).slice(2, 6)}`;
  const p = {
    id: fields.id ?? `prd_${n}`,
    sku: `SKU-${n}`,
    name: fields.name ?? `Product ${n}`,
    unitAmount: fields.unitAmount ?? 1250,
    currency: fields.currency ?? "eur",
    active: fields.active ?? true,
    onHand: fields.onHand ?? 10,
    reserved: fields.reserved ?? 0,
  };
  await env.MESH_DB_COMMERCE_CATALOG.prepare(
    "INSERT INTO products (id, sku, name, unit_amount, currency, active, on_hand, reserved, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(p.id, p.sku, p.name, p.unitAmount, p.currency, p.active ? 1 : 0, p.onHand, p.reserved, Date.now(), Date.now())
    .run();
  return p;
}

/** Changes a seeded product in the catalog (price, activity, deletion). */
export async function updateProduct(id: string, set: { unit_amount?: number; active?: number; deleted_at?: number; reserved?: number }) {
  const keys = Object.keys(set);
  await env.MESH_DB_COMMERCE_CATALOG.prepare(`UPDATE products SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`)
    .bind(...Object.values(set), id)
    .run();
}

export async function putItem(token: string, productId: string, quantity: number): Promise<Cart> {
  const res = await call("PUT", `/cart/items/${productId}`, token, { quantity });
  expect(res.status).toBe(200);
  return (await res.json()) as Cart;
}

/** The cart straight from the user's Durable Object (no catalog), for "nothing changed" checks. */
export async function storedLines(userId: string) {
  const lines = await env.CART.get(env.CART.idFromName(userId)).lines();
  return lines.map((l) => ({ productId: l.productId, quantity: l.quantity }));
}
