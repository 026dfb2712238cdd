import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  BASE,
  type CreatedApiKey,
  call,
  createKey,
  expectInvalid,
  expectProblem,
  listKeys,
  rawBody,
  registerVerified as register,
  sha256,
  snapshot,
} from "./helpers";

describe("POST /auth/v1/api-keys", () => {
  it("creates a key: 201, the whole key shown once, stored only as its SHA-256", async () => {
    const alice = await register();
    const res = await call("POST", "/api-keys", alice.accessToken, {
      name: "  CI deploys ",
      scopes: ["todo:read", "todo:write", "todo:read"],
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const created = (await res.json()) as CreatedApiKey;
    expect(created).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{21}$/),
      name: "CI deploys",
      prefix: expect.stringMatching(/^ewk_[A-Za-z0-9_-]{8}$/),
      scopes: ["todo:read", "todo:write"],
      createdAt: expect.stringMatching(/Z$/),
      lastUsedAt: null,
      expiresAt: null,
      key: expect.stringMatching(/^ewk_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/),
    });
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(created.id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ user_id: alice.user.id, prefix: created.prefix, key_hash: await sha256(created.key) });
    expect(JSON.stringify(await snapshot())).not.toContain(created.key);
    // never shown again
    expect(JSON.stringify(await listKeys(alice))).not.toContain(created.key);
  });

  it('scopes default to ["*"]; expiresAt is kept', async () => {
    const alice = await register();
    expect((await createKey(alice)).scopes).toEqual(["*"]);
    const expiring = await createKey(alice, { name: "temp", expiresAt: "2099-01-01T01:00:00+01:00" });
    expect(expiring.expiresAt).toBe("2099-01-01T00:00:00.000Z");
  });

  it("needs a session token: an API key cannot create keys (403), nothing stored", async () => {
    const alice = await register();
    const { key } = await createKey(alice);
    await expectProblem(
      await call("POST", "/api-keys", key, { name: "escalate" }),
      "forbidden",
      "This action needs an access token from a session, not an API key",
    );
    expect((await listKeys(alice)).items).toHaveLength(1);
  });

  it.each([
    ["missing name", {}, "name"],
    ["empty name", { name: " " }, "name"],
    ["name of 101 characters", { name: "n".repeat(101) }, "name"],
    ["name with a NUL", { name: "a\u0000" }, "name"],
    ["scope with upper case", { name: "k", scopes: ["Todo:read"] }, "scopes.0"],
    ["scope without action", { name: "k", scopes: ["todo"] }, "scopes.0"],
    ["scope with SQL", { name: "k", scopes: ["todo:read'--"] }, "scopes.0"],
    ["empty scopes", { name: "k", scopes: [] }, "scopes"],
    ["21 scopes", { name: "k", scopes: Array.from({ length: 21 }, (_, i) => `s${i}:read`) }, "scopes"],
    ["expiresAt without zone", { name: "k", expiresAt: "2099-01-01T00:00:00" }, "expiresAt"],
    ["expiresAt not a date", { name: "k", expiresAt: "tomorrow" }, "expiresAt"],
    ["expiresAt in the past", { name: "k", expiresAt: "2001-01-01T00:00:00Z" }, "expiresAt"],
    ["unknown field", { name: "k", key: "ewk_mine" }, ""],
  ] as const)("422 for %s; nothing stored", async (_, body, path) => {
    const alice = await register();
    const before = await snapshot();
    await expectInvalid(await call("POST", "/api-keys", alice.accessToken, body), path);
    expect(await snapshot()).toEqual(before);
  });

  it("malformed JSON 400, text 415, lone surrogate 422, 2 MiB 413", async () => {
    const alice = await register();
    const post = (body: string, type?: string) => SELF.fetch(`${BASE}/api-keys`, rawBody("POST", body, alice.accessToken, type));
    const before = await snapshot();
    await expectProblem(await post("{"), "malformed_json");
    await expectProblem(await post('{"name":"k"}', "text/plain"), "unsupported_media_type");
    await expectProblem(await post('{"name":"\\udc00"}'), "validation_failed");
    await expectProblem(await post(JSON.stringify({ name: "x".repeat(2 << 20) })), "payload_too_large");
    expect(await snapshot()).toEqual(before);
  });
});

describe("GET /auth/v1/api-keys", () => {
  it("lists only the caller's active keys, newest first, without secrets, page by page", async () => {
    const alice = await register();
    const bob = await register();
    const keys = [];
    for (const name of ["one", "two", "three"]) keys.push(await createKey(alice, { name }));
    await createKey(bob, { name: "bob's" });
    const first = await listKeys(alice, "?limit=2");
    expect(first.items.map((k) => k.name)).toEqual(["three", "two"]);
    expect(first.items[0]).toEqual({ ...keys[2], key: undefined });
    expect(Object.keys(first.items[0] ?? {})).not.toContain("key");
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await listKeys(alice, `?limit=2&cursor=${first.nextCursor}`);
    expect(second).toEqual({ items: [expect.objectContaining({ name: "one" })], nextCursor: null });
    expect((await listKeys(bob)).items.map((k) => k.name)).toEqual(["bob's"]);
  });

  it("a revoked key is not listed", async () => {
    const alice = await register();
    const key = await createKey(alice);
    await call("DELETE", `/api-keys/${key.id}`, alice.accessToken);
    expect(await listKeys(alice)).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ["?limit=0", "limit"],
    ["?limit=101", "limit"],
    ["?limit=abc", "limit"],
    ["?cursor=not-a-cursor", "cursor"],
  ])("422 for %s", async (query, path) => {
    const alice = await register();
    const res = await call("GET", `/api-keys${query}`, alice.accessToken);
    await expectProblem(res, "validation_failed", /^The (request has invalid fields|cursor is invalid)$/, [{ path, location: "query" }]);
  });
});

describe("DELETE /auth/v1/api-keys/{id}", () => {
  it("revokes: 204, the key stops working at once, a second delete is 404", async () => {
    const alice = await register();
    const key = await createKey(alice);
    expect((await call("GET", "/me", key.key)).status).toBe(200);
    const res = await call("DELETE", `/api-keys/${key.id}`, alice.accessToken);
    expect(res.status).toBe(204);
    await expectProblem(await call("GET", "/me", key.key), "unauthorized", "The API key is invalid or revoked");
    await expectProblem(await call("DELETE", `/api-keys/${key.id}`, alice.accessToken), "not_found", "API key not found");
  });

  it("another user's key is 404 and keeps working", async () => {
    const alice = await register();
    const bob = await register();
    const key = await createKey(alice);
    const before = await snapshot();
    await expectProblem(await call("DELETE", `/api-keys/${key.id}`, bob.accessToken), "not_found", "API key not found");
    expect(await snapshot()).toEqual(before);
    expect((await call("GET", "/me", key.key)).status).toBe(200);
  });

  it("needs a session token: 403 with an API key", async () => {
    const alice = await register();
    const key = await createKey(alice);
    await expectProblem(await call("DELETE", `/api-keys/${key.id}`, key.key), "forbidden");
  });

  it.each([
    ["an unknown id", "V1StGXR8_Z5jdHi6B-myT", "not_found"],
    ["../ in the path", "../me", "not_found"],
    ["an encoded ../", "..%2Fme", "validation_failed"],
    ["SQL", "x'%20OR%20'1'%3D'1", "validation_failed"],
    ["a 65-character id", "a".repeat(65), "validation_failed"],
  ] as const)("%s is %s and nothing changes", async (_, id, code) => {
    const alice = await register();
    await createKey(alice);
    const before = await snapshot();
    await expectProblem(await call("DELETE", `/api-keys/${id}`, alice.accessToken), code);
    expect(await snapshot()).toEqual(before);
  });
});
