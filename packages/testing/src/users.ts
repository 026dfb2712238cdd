import { mintToken } from "./index";

let seq = 0;

/** A user of a product's tests: the id the token names (`sub`) and the token. */
export interface TestUser {
  id: string;
  token: string;
}

/**
 * A fresh user (unique per call, so tests never see each other's data) and an access token for it
 * with `scope` (default `*`), signed by the test key the fake accounts Worker trusts.
 *
 * `roles` puts a `roles` claim in the token (platform roles such as `shop:admin`).
 *
 * @example const reader = await newTestUser("todo:read");
 * @example const admin = await newTestUser("*", "admin_", ["shop:admin"]);
 */
export async function newTestUser(scope = "*", prefix = "user_", roles?: readonly string[]): Promise<TestUser> {
  const id = `${prefix}${Date.now().toString(36)}_${++seq}_${Math.random().toString(36).slice(2, 8)}`;
  return { id, token: await mintToken({ sub: id, scope, ...(roles ? { extra: { roles: [...roles] } } : {}) }) };
}
