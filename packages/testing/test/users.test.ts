import { decodeJwt } from "jose";
import { expect, it } from "vitest";
import { newTestUser } from "../src/users";

it("newTestUser gives a new id each call and a token for it with the scope asked", async () => {
  const [a, b] = await Promise.all([newTestUser("todo:read"), newTestUser()]);
  expect(a.id).not.toBe(b.id);
  expect(a.id).toMatch(/^user_[a-z0-9]+_\d+_[a-z0-9]+$/);
  expect(decodeJwt(a.token)).toMatchObject({ sub: a.id, scope: "todo:read" });
  expect(decodeJwt(b.token)).toMatchObject({ sub: b.id, scope: "*" });
  expect((await newTestUser("*", "u")).id).toMatch(/^u[a-z0-9]+_/);
});
