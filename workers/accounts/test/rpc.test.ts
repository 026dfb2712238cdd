import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { UserSummary } from "../src/index";
import { register } from "./helpers";

/** The user directory RPCs, as another product sees them through its ACCOUNTS service binding. */
const rpc = (
  exports as unknown as {
    default: { findUserByEmail(email: unknown): Promise<UserSummary | null>; getUsers(ids: unknown): Promise<UserSummary[]> };
  }
).default;

describe("user directory RPC", () => {
  it("finds an account by email, ignoring case and spaces, without secrets", async () => {
    const alice = await register();
    const found = await rpc.findUserByEmail(`  ${alice.user.email.toUpperCase()} `);
    expect(found).toEqual({ id: alice.user.id, email: alice.user.email, name: alice.user.name });
    expect(Object.keys(found ?? {}).sort()).toEqual(["email", "id", "name"]);
  });

  it.each([["nobody@example.com"], [""], ["x".repeat(300)], [42], [null]])("answers null for %s", async (email) => {
    expect(await rpc.findUserByEmail(email)).toBeNull();
  });

  it("gets many accounts by id, leaving out unknown and malformed ids", async () => {
    const [a, b] = [await register(), await register()];
    const got = await rpc.getUsers([a.user.id, b.user.id, a.user.id, "missing", 7, "y".repeat(100)]);
    expect(got.map((u) => u.id).sort()).toEqual([a.user.id, b.user.id].sort());
    expect(await rpc.getUsers("nope")).toEqual([]);
    expect(await rpc.getUsers([])).toEqual([]);
  });
});
