import { env } from "cloudflare:test";
import { hashPassword, verifyPassword } from "@edgeworks/auth";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { loadSigningKeys } from "../src/keys";
import { login } from "../src/sessions.service";
import { call, register } from "./helpers";

// PBKDF2's cost is the PASSWORD_PBKDF2_ITERATIONS var; a login with a hash of another count rehashes it.

const storedHash = async (id: string) =>
  (await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(id).first<{ password_hash: string }>())?.password_hash ?? "";

describe("password hashes follow PASSWORD_PBKDF2_ITERATIONS", () => {
  it("registration hashes with the configured count (100000 here)", async () => {
    const alice = await register();
    expect(env.PASSWORD_PBKDF2_ITERATIONS).toBe("100000");
    expect(await storedHash(alice.user.id)).toMatch(/^pbkdf2-sha256\$100000\$/);
  });

  it("a login with a hash of a higher count (the var was lowered) rehashes it to the configured count", async () => {
    const alice = await register();
    await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?")
      .bind(await hashPassword(alice.password, 120_000), alice.user.id)
      .run();
    expect((await call("POST", "/login", undefined, { email: alice.user.email, password: alice.password })).status).toBe(200);
    expect(await storedHash(alice.user.id)).toMatch(/^pbkdf2-sha256\$100000\$/);
  });

  it("raising the count rehashes on the next successful login, and the new hash verifies", async () => {
    const alice = await register();
    const keys = await loadSigningKeys(env.JWT_PRIVATE_KEYS);
    const deps = {
      db: drizzle(env.DB),
      now: Date.now,
      defer: () => undefined,
      passwordIterations: 210_000,
      tokens: { keys, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
    };
    await login(deps, { email: alice.user.email, password: alice.password });
    const stored = await storedHash(alice.user.id);
    expect(stored).toMatch(/^pbkdf2-sha256\$210000\$/);
    expect(await verifyPassword(alice.password, stored)).toBe(true);
    // a wrong password changes nothing
    await expect(login(deps, { email: alice.user.email, password: "wrong password" })).rejects.toThrow(
      "The email or password is incorrect",
    );
    expect(await storedHash(alice.user.id)).toBe(stored);
  });
});
