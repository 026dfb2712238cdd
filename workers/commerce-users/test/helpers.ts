import { createTestClient, newTestUser, type TestUser } from "@edgeworks/testing";
import { expect } from "vitest";

export const BASE = "http://commerce-users.test/commerce/v1";

export type Address = {
  id: string;
  userId: string;
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
};
export type Profile = {
  userId: string;
  email: string | null;
  emailVerified: boolean;
  displayName: string | null;
  phone: string | null;
  notifyByEmail: boolean;
  notifyBySms: boolean;
  createdAt: string | null;
  updatedAt: string | null;
};

/** A fresh user with the commerce scopes (unique per call, so tests never see each other's data). */
export const newUser = (scope = "commerce:read commerce:write", prefix = "user_"): Promise<TestUser> => newTestUser(scope, prefix);

/** The service's API as its tests call it (`call`, `ok`, `problem`): packages/testing's createTestClient. */
export const api = createTestClient(BASE);
export const call = api.call;

export const ADDRESS = { name: "Ada Lovelace", line1: "12 St James's Square", city: "London", postalCode: "SW1Y 4JH", country: "gb" };

export async function createAddress(token: string, body: Record<string, unknown> = {}): Promise<Address> {
  const res = await call("POST", "/me/addresses", token, { ...ADDRESS, ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as Address;
}

/** The user's addresses through the API, for "nothing changed" checks. */
export async function listAddresses(token: string): Promise<Address[]> {
  return ((await api.ok(call("GET", "/me/addresses", token))) as { items: Address[] }).items;
}
