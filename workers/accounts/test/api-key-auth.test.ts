import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, createKey, expectProblem, listKeys, registerVerified as register } from "./helpers";

/** The RPC surface of the accounts entrypoint, as another Worker sees it through a service binding. */
const rpc = {
  verifyApiKey: (key: string) =>
    (
      exports as unknown as {
        default: { verifyApiKey(key: string): Promise<{ userId: string; scopes: string[]; roles: string[] } | null> };
      }
    ).default.verifyApiKey(key),
};

describe("authenticating with an API key", () => {
  it("works on the accounts routes within its scopes", async () => {
    const alice = await register();
    const all = await createKey(alice);
    expect(await (await call("GET", "/me", all.key)).json()).toEqual({ user: alice.user });
    const readOnly = await createKey(alice, { name: "ro", scopes: ["account:read"] });
    expect((await call("GET", "/me", readOnly.key)).status).toBe(200);
    expect((await call("GET", "/api-keys", readOnly.key)).status).toBe(200);
    await expectProblem(
      await call("PATCH", "/me", readOnly.key, { name: "x" }),
      "forbidden",
      'This credential lacks the "account:write" scope',
    );
    const todoOnly = await createKey(alice, { name: "todo", scopes: ["todo:read"] });
    await expectProblem(await call("GET", "/me", todoOnly.key), "forbidden", 'This credential lacks the "account:read" scope');
  });

  it("updates lastUsedAt after use", async () => {
    const alice = await register();
    const key = await createKey(alice);
    const before = Date.now();
    expect((await call("GET", "/me", key.key)).status).toBe(200);
    const listed = await vi.waitFor(async () => {
      const item = (await listKeys(alice)).items[0];
      if (!item?.lastUsedAt) throw new Error("not yet");
      return item;
    });
    expect(Date.parse(listed.lastUsedAt as string)).toBeGreaterThanOrEqual(before - 1);
  });

  it("a revoked key is refused, over HTTP and RPC", async () => {
    const alice = await register();
    const key = await createKey(alice);
    expect(await rpc.verifyApiKey(key.key)).not.toBeNull();
    expect((await call("DELETE", `/api-keys/${key.id}`, alice.accessToken)).status).toBe(204);
    await expectProblem(await call("GET", "/me", key.key), "unauthorized", "The API key is invalid or revoked");
    expect(await rpc.verifyApiKey(key.key)).toBeNull();
  });

  it("can change the name with account:write, but never the email (403)", async () => {
    const alice = await register();
    const key = await createKey(alice, { name: "writer", scopes: ["account:write"] });
    expect((await call("PATCH", "/me", key.key, { name: "Renamed" })).status).toBe(200);
    await expectProblem(
      await call("PATCH", "/me", key.key, { email: `evil-${crypto.randomUUID()}@example.com` }),
      "forbidden",
      "Changing the email needs an access token from a session, not an API key",
    );
    const me = (await (await call("GET", "/me", alice.accessToken)).json()) as { user: { email: string; name: string } };
    expect(me.user).toMatchObject({ email: alice.user.email, name: "Renamed" });
  });

  it("cannot log out (403): it has no session", async () => {
    const alice = await register();
    const key = await createKey(alice);
    await expectProblem(
      await call("POST", "/logout", key.key),
      "forbidden",
      "This action needs an access token from a session, not an API key",
    );
  });

  it("an expired key is refused", async () => {
    const alice = await register();
    const key = await createKey(alice, { name: "short", expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await call("GET", "/me", key.key)).status).toBe(200);
    await env.DB.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, key.id)
      .run();
    await expectProblem(await call("GET", "/me", key.key), "unauthorized", "The API key is invalid or revoked");
    expect(await rpc.verifyApiKey(key.key)).toBeNull();
  });

  it("a key with a right prefix but a wrong secret is refused", async () => {
    const alice = await register();
    const key = await createKey(alice);
    const forged = `${key.prefix}_${"A".repeat(43)}`;
    await expectProblem(await call("GET", "/me", forged), "unauthorized", "The API key is invalid or revoked");
    expect(await rpc.verifyApiKey(forged)).toBeNull();
  });
});

describe("verifyApiKey over RPC (the service binding other products use)", () => {
  it("returns the owner, the scopes and the owner's roles (none) of a valid key and records its use", async () => {
    const alice = await register();
    const key = await createKey(alice, { name: "gw", scopes: ["todo:read", "links:write"] });
    expect(await rpc.verifyApiKey(key.key)).toEqual({ userId: alice.user.id, scopes: ["todo:read", "links:write"], roles: [] });
    await vi.waitFor(async () => {
      const row = await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?")
        .bind(key.id)
        .first<{ last_used_at: number | null }>();
      expect(row?.last_used_at).toEqual(expect.any(Number));
    });
  });

  it.each([
    ["empty", ""],
    ["garbage", "garbage"],
    ["too short", "ewk_short"],
    ["unknown", `ewk_${"a".repeat(8)}_${"b".repeat(43)}`],
    ["10,000 characters", "x".repeat(10_000)],
  ])("null for %s", async (_, key) => {
    expect(await rpc.verifyApiKey(key)).toBeNull();
  });
});
