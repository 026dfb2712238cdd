import { createTestClient, newTestUser, type TestUser } from "@edgeworks/testing";

export const BASE = "http://shop.test/shop/v1";

/** A fresh customer (unique per call, so tests never see each other's data) and their token. */
export const newUser = (scope = "*"): Promise<TestUser> => newTestUser(scope, "user_");

/** A fresh shop admin: a token with the `shop:admin` platform role. */
export const newAdmin = (scope = "*"): Promise<TestUser> => newTestUser(scope, "admin_", ["shop:admin"]);

/** The product's API as its tests call it (`call`, `ok`, `problem`): packages/testing's createTestClient. */
export const api = createTestClient(BASE);
export const call = api.call;
