import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { mintToken } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { ADDRESS, type Address, api, BASE, call, createAddress, listAddresses, newUser, type Profile } from "./helpers";

const profileRows = (userId: string) =>
  env.DB.prepare("SELECT count(*) AS n FROM profiles WHERE user_id = ?").bind(userId).first<{ n: number }>("n");

describe("GET/PATCH /commerce/v1/me", () => {
  it("answers the defaults and the directory's e-mail without writing anything", async () => {
    const { id, token } = await newUser();
    const profile: Profile = await api.ok(call("GET", "/me", token));
    expect(profile).toEqual({
      userId: id,
      email: `${id}@users.test`,
      emailVerified: true,
      displayName: null,
      phone: null,
      notifyByEmail: true,
      notifyBySms: false,
      createdAt: null,
      updatedAt: null,
    });
    expect(await profileRows(id)).toBe(0);
  });

  it("saves only the given fields and keeps the rest", async () => {
    const { id, token } = await newUser();
    const saved: Profile = await api.ok(call("PATCH", "/me", token, { displayName: "  Ada  ", phone: "+14155550100" }));
    expect(saved).toMatchObject({ userId: id, displayName: "Ada", phone: "+14155550100", notifyByEmail: true, notifyBySms: false });
    expect(saved.createdAt).toEqual(expect.any(String));
    const sms: Profile = await api.ok(call("PATCH", "/me", token, { notifyBySms: true, notifyByEmail: false }));
    expect(sms).toMatchObject({
      displayName: "Ada",
      phone: "+14155550100",
      notifyByEmail: false,
      notifyBySms: true,
      createdAt: saved.createdAt,
    });
    expect(await api.ok(call("GET", "/me", token))).toEqual(sms);
    expect(await api.ok(call("PATCH", "/me", token, {}))).toEqual(sms);
    const cleared: Profile = await api.ok(call("PATCH", "/me", token, { notifyBySms: false, phone: null, displayName: "" }));
    expect(cleared).toMatchObject({ displayName: null, phone: null, notifyBySms: false });
    expect(await profileRows(id)).toBe(1);
  });

  it("refuses SMS without a phone (422) and bad fields, and changes nothing", async () => {
    const { id, token } = await newUser();
    await api.problem(call("PATCH", "/me", token, { notifyBySms: true }), 422, "validation_failed", ["notifyBySms"]);
    await api.problem(call("PATCH", "/me", token, { phone: "0155 555" }), 422, "validation_failed", ["phone"]);
    await api.problem(call("PATCH", "/me", token, { displayName: "x".repeat(101) }), 422, "validation_failed", ["displayName"]);
    await api.problem(call("PATCH", "/me", token, { notifyByEmail: "yes" }), 422, "validation_failed", ["notifyByEmail"]);
    await api.problem(call("PATCH", "/me", token, { email: "me@evil.test" }), 422, "validation_failed");
    expect(await profileRows(id)).toBe(0);
    await api.ok(call("PATCH", "/me", token, { phone: "+4915112345678", notifyBySms: true }));
    // removing the phone while SMS is on would leave SMS without a number
    await api.problem(call("PATCH", "/me", token, { phone: null }), 422, "validation_failed", ["phone"]);
    expect(await api.ok(call("GET", "/me", token))).toMatchObject({ phone: "+4915112345678", notifyBySms: true });
  });

  it("shows an unverified address as such", async () => {
    const { id, token } = await newUser("commerce:read", "unverified_");
    expect(await api.ok(call("GET", "/me", token))).toMatchObject({ email: `${id}@users.test`, emailVerified: false });
  });

  it("is 401 without a token, 403 without the scope, 400 on malformed JSON, 413 on a huge body", async () => {
    await api.problem(call("GET", "/me"), 401, "unauthorized");
    const reader = await newUser("commerce:read");
    await api.problem(call("PATCH", "/me", reader.token, { displayName: "x" }), 403, "forbidden");
    const other = await newUser("todo:read todo:write");
    await api.problem(call("GET", "/me", other.token), 403, "forbidden");
    const { id, token } = await newUser();
    await api.problem(call("PATCH", "/me", token, '{"displayName": "x",'), 400, "malformed_json");
    await api.problem(call("PATCH", "/me", token, JSON.stringify({ displayName: "x".repeat(2 * 1024 * 1024) })), 413, "payload_too_large");
    expect(await profileRows(id)).toBe(0);
  });

  it("answers 503 with Retry-After when the accounts directory is down, never a 500", async () => {
    const user = await newUser();
    const broken = {
      fetch: (request: Request) => env.ACCOUNTS.fetch(request),
      getUsers: async () => {
        throw new Error("accounts is down");
      },
    };
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/me`, { headers: { Authorization: `Bearer ${user.token}` } }),
      { ...env, ACCOUNTS: broken as unknown as Fetcher },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(await res.json()).toMatchObject({ code: "service_unavailable" });
  });
});

describe("/commerce/v1/me/addresses", () => {
  it("adds, reads, changes and deletes addresses; the first is the default", async () => {
    const { id, token } = await newUser();
    const res = await call("POST", "/me/addresses", token, { ...ADDRESS, line2: "", region: "Greater London" });
    const first: Address = await api.ok(res, 201);
    expect(first).toEqual({
      id: expect.stringMatching(/^adr_[A-Za-z0-9_-]{21}$/),
      userId: id,
      name: "Ada Lovelace",
      line1: "12 St James's Square",
      line2: null,
      city: "London",
      region: "Greater London",
      postalCode: "SW1Y 4JH",
      country: "GB",
      isDefault: true,
      createdAt: expect.any(String),
      updatedAt: first.createdAt,
    });
    expect(res.headers.get("Location")).toBe(`/commerce/v1/me/addresses/${first.id}`);
    expect(await api.ok(call("GET", `/me/addresses/${first.id}`, token))).toEqual(first);

    const second = await createAddress(token, { name: "Work" });
    expect(second.isDefault).toBe(false);
    const changed: Address = await api.ok(call("PATCH", `/me/addresses/${second.id}`, token, { city: "Paris", country: "fr" }));
    expect(changed).toMatchObject({ id: second.id, city: "Paris", country: "FR", isDefault: false, name: "Work" });
    expect(await api.ok(call("PATCH", `/me/addresses/${second.id}`, token, {}))).toEqual(changed);
    expect((await listAddresses(token)).map((a) => [a.id, a.isDefault])).toEqual([
      [first.id, true],
      [second.id, false],
    ]);

    expect((await call("DELETE", `/me/addresses/${second.id}`, token)).status).toBe(204);
    await api.problem(call("GET", `/me/addresses/${second.id}`, token), 404, "not_found");
    await api.problem(call("DELETE", `/me/addresses/${second.id}`, token), 404, "not_found");
    expect((await listAddresses(token)).map((a) => a.id)).toEqual([first.id]);
  });

  it("moves the default in one step, and deleting the default promotes the oldest remaining address", async () => {
    const { token } = await newUser();
    const a = await createAddress(token, { name: "A" });
    const b = await createAddress(token, { name: "B" });
    const c = await createAddress(token, { name: "C", isDefault: true });
    expect(c.isDefault).toBe(true);
    expect((await listAddresses(token)).map((x) => [x.name, x.isDefault])).toEqual([
      ["C", true],
      ["A", false],
      ["B", false],
    ]);
    expect(await api.ok(call("PATCH", `/me/addresses/${b.id}`, token, { isDefault: true }))).toMatchObject({ isDefault: true });
    expect((await listAddresses(token)).filter((x) => x.isDefault).map((x) => x.id)).toEqual([b.id]);
    // "not default" is not a request: the default moves by naming another one
    await api.problem(call("PATCH", `/me/addresses/${b.id}`, token, { isDefault: false }), 422, "validation_failed", ["isDefault"]);
    expect((await call("DELETE", `/me/addresses/${b.id}`, token)).status).toBe(204);
    expect((await listAddresses(token)).map((x) => [x.id, x.isDefault])).toEqual([
      [a.id, true],
      [c.id, false],
    ]);
  });

  it("keeps at most 20 live addresses (409) and refuses invalid fields (422) without writing", async () => {
    const { token } = await newUser();
    for (let i = 0; i < 20; i++) await createAddress(token, { name: `A${i}` });
    await api.problem(call("POST", "/me/addresses", token, ADDRESS), 409, "conflict");
    expect(await listAddresses(token)).toHaveLength(20);

    const fresh = await newUser();
    await api.problem(call("POST", "/me/addresses", fresh.token, {}), 422, "validation_failed", [
      "name",
      "line1",
      "city",
      "postalCode",
      "country",
    ]);
    await api.problem(call("POST", "/me/addresses", fresh.token, { ...ADDRESS, country: "GBR" }), 422, "validation_failed", ["country"]);
    await api.problem(call("POST", "/me/addresses", fresh.token, { ...ADDRESS, name: "   " }), 422, "validation_failed", ["name"]);
    await api.problem(call("POST", "/me/addresses", fresh.token, { ...ADDRESS, line1: "a\nb" }), 422, "validation_failed", ["line1"]);
    await api.problem(call("POST", "/me/addresses", fresh.token, { ...ADDRESS, postalCode: "1".repeat(21) }), 422, "validation_failed", [
      "postalCode",
    ]);
    await api.problem(call("POST", "/me/addresses", fresh.token, { ...ADDRESS, userId: "someone" }), 422, "validation_failed");
    await api.problem(call("GET", "/me/addresses/..%2Fetc", fresh.token), 422, "validation_failed", ["addressId"]);
    await api.problem(call("POST", "/me/addresses", fresh.token, '{"name":'), 400, "malformed_json");
    await api.problem(
      call("POST", "/me/addresses", fresh.token, JSON.stringify({ ...ADDRESS, name: "x".repeat(2 * 1024 * 1024) })),
      413,
      "payload_too_large",
    );
    expect(await listAddresses(fresh.token)).toEqual([]);
  });

  it("is 401/403 without credentials or scope, 404 for unknown ids, and another user's address is 404", async () => {
    await api.problem(call("GET", "/me/addresses"), 401, "unauthorized");
    const reader = await newUser("commerce:read");
    await api.problem(call("POST", "/me/addresses", reader.token, ADDRESS), 403, "forbidden");
    expect(await listAddresses(reader.token)).toEqual([]);
    const owner = await newUser();
    const mine = await createAddress(owner.token);
    const stranger = await newUser();
    await api.problem(call("GET", `/me/addresses/${mine.id}`, stranger.token), 404, "not_found");
    await api.problem(call("PATCH", `/me/addresses/${mine.id}`, stranger.token, { name: "x" }), 404, "not_found");
    await api.problem(call("DELETE", `/me/addresses/${mine.id}`, stranger.token), 404, "not_found");
    await api.problem(call("GET", "/me/addresses/adr_nope", owner.token), 404, "not_found");
    expect(await listAddresses(stranger.token)).toEqual([]);
    expect(await listAddresses(owner.token)).toEqual([mine]);
  });

  it("refuses a token for another audience with 401 (the service verifies, whatever the gateway did)", async () => {
    const token = await mintToken({ sub: "user_x", scope: "commerce:read", audience: "someone-else" });
    await api.problem(call("GET", "/me", token), 401, "unauthorized");
  });
});
