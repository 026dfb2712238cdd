import { env, SELF } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { BASE, call, expectInvalid, expectProblem, rawBody, register, snapshot, type TestUser } from "./helpers";

type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
};
type Created = ApiKey & { key: string };
type Page = { items: ApiKey[]; nextCursor: string | null };

/** The RPC surface of the accounts entrypoint, as another Worker sees it through a service binding. */
const rpc = {
  verifyApiKey: (key: string) =>
    (
      exports as unknown as { default: { verifyApiKey(key: string): Promise<{ userId: string; scopes: string[] } | null> } }
    ).default.verifyApiKey(key),
};

const sha256 = async (s: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

async function createKey(owner: TestUser, body: Record<string, unknown> = { name: "CI" }): Promise<Created> {
  const res = await call("POST", "/api-keys", owner.accessToken, body);
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

async function listKeys(owner: TestUser, query = ""): Promise<Page> {
  const res = await call("GET", `/api-keys${query}`, owner.accessToken);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

describe("POST /auth/v1/api-keys", () => {
  it("creates a key: 201, the whole key shown once, stored only as its SHA-256", async () => {
    const alice = await register();
    const res = await call("POST", "/api-keys", alice.accessToken, {
      name: "  CI deploys ",
      scopes: ["todo:read", "todo:write", "todo:read"],
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const created = (await res.json()) as Created;
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
    expect(res.headers.get("Location")).toBe(`/auth/v1/api-keys/${created.id}`);
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
    expect(await rpc.verifyApiKey(key.key)).toBeNull();
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
  it("returns the owner and scopes of a valid key and records its use", async () => {
    const alice = await register();
    const key = await createKey(alice, { name: "gw", scopes: ["todo:read", "links:write"] });
    expect(await rpc.verifyApiKey(key.key)).toEqual({ userId: alice.user.id, scopes: ["todo:read", "links:write"] });
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
