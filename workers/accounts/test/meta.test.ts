import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../src/app";
import { BASE, call, expectInvalid, expectProblem, ORIGIN, outbox, register } from "./helpers";

describe("GET /auth/health", () => {
  it("is ok, with a request id", async () => {
    const res = await SELF.fetch(`${ORIGIN}/auth/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
  });
});

describe("GET /auth/v1/dev/outbox", () => {
  it("lists messages newest first, optionally only those to one address", async () => {
    const alice = await register();
    const bob = await register();
    await call("POST", "/email/verify/request", alice.accessToken);
    const all = await outbox();
    const mine = all.filter((m) => m.to === alice.user.email || m.to === bob.user.email);
    expect(mine.map((m) => m.to)).toEqual([alice.user.email, bob.user.email, alice.user.email]);
    const createdAt = all.map((m) => Date.parse(m.createdAt));
    expect([...createdAt].sort((a, b) => b - a)).toEqual(createdAt);
    const aliceOnly = await outbox(alice.user.email.toUpperCase());
    expect(aliceOnly).toHaveLength(2);
    expect(aliceOnly.every((m) => m.to === alice.user.email)).toBe(true);
    expect(aliceOnly[0]).toEqual({
      id: expect.any(String),
      kind: "email_verification",
      to: alice.user.email,
      subject: "Verify your email address",
      body: expect.stringContaining(aliceOnly[0]?.payload.token as string),
      payload: {
        token: expect.any(String),
        link: expect.stringMatching(/^https:\/\/edgeworks\.example\/auth\/v1\/email\/verify\?token=/),
        expiresAt: expect.any(String),
      },
      createdAt: expect.any(String),
      sentAt: null,
    });
  });

  it("limit caps the list", async () => {
    await register();
    await register();
    const res = await SELF.fetch(`${BASE}/dev/outbox?limit=1`);
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it.each([
    ["?to=not-an-email", "to"],
    ["?limit=0", "limit"],
    ["?limit=101", "limit"],
  ])("422 for %s", async (query, path) => {
    await expectInvalid(await SELF.fetch(`${BASE}/dev/outbox${query}`), path, undefined, "query");
  });

  it.each(["false", "", "TRUE", "1"])('is a 404 like any unknown route when DEV_MODE is "%s", even with a bad query', async (mode) => {
    await register();
    for (const query of ["", "?limit=0"]) {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`${BASE}/dev/outbox${query}`), { ...env, DEV_MODE: mode }, ctx);
      await waitOnExecutionContext(ctx);
      await expectProblem(res, "not_found", "No route for GET /auth/v1/dev/outbox");
    }
  });
});

describe("OpenAPI document and reference", () => {
  type Operation = { operationId?: string; security?: unknown[]; responses: Record<string, unknown>; requestBody?: unknown };
  const doc = async () =>
    (await (await SELF.fetch(`${ORIGIN}/auth/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, unknown> };
    };

  it("documents every route, with bearer security exactly on the authenticated ones", async () => {
    const spec = await doc();
    expect(spec.openapi).toBe("3.1.0");
    const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
    );
    // every operation says its security: `[]` when public, so tools do not have to guess
    expect(operations.filter(([, op]) => op.security === undefined).map(([name]) => name)).toEqual([]);
    const secured = operations.filter(([, op]) => (op.security?.length ?? 0) > 0).map(([name]) => name);
    expect(operations.map(([name]) => name).sort()).toEqual(
      [
        "GET /auth/health",
        "GET /auth/.well-known/jwks.json",
        "POST /auth/v1/register",
        "POST /auth/v1/login",
        "POST /auth/v1/refresh",
        "POST /auth/v1/logout",
        "GET /auth/v1/me",
        "PATCH /auth/v1/me",
        "POST /auth/v1/password",
        "POST /auth/v1/password/forgot",
        "POST /auth/v1/password/reset",
        "POST /auth/v1/email/verify/request",
        "POST /auth/v1/email/verify",
        "POST /auth/v1/email/revert",
        // the pages behind the email links (their forms post to the POST routes of the same paths)
        "GET /auth/v1/email/verify",
        "GET /auth/v1/email/revert",
        "GET /auth/v1/password/reset",
        "POST /auth/v1/api-keys",
        "GET /auth/v1/api-keys",
        "DELETE /auth/v1/api-keys/{id}",
        "GET /auth/v1/dev/outbox",
        "GET /auth/v1/admin/users",
        "GET /auth/v1/admin/users/{id}/roles",
        "PUT /auth/v1/admin/users/{id}/roles/{role}",
        "DELETE /auth/v1/admin/users/{id}/roles/{role}",
        "GET /auth/v1/admin/roles/{role}/users",
      ].sort(),
    );
    expect(secured.sort()).toEqual(
      [
        "POST /auth/v1/logout",
        "GET /auth/v1/me",
        "PATCH /auth/v1/me",
        "POST /auth/v1/password",
        "POST /auth/v1/email/verify/request",
        // optional: an access token sent with a first verification keeps its session
        "POST /auth/v1/email/verify",
        "POST /auth/v1/api-keys",
        "GET /auth/v1/api-keys",
        "DELETE /auth/v1/api-keys/{id}",
        "GET /auth/v1/admin/users",
        "GET /auth/v1/admin/users/{id}/roles",
        "PUT /auth/v1/admin/users/{id}/roles/{role}",
        "DELETE /auth/v1/admin/users/{id}/roles/{role}",
        "GET /auth/v1/admin/roles/{role}/users",
      ].sort(),
    );
    expect(operations.find(([name]) => name === "POST /auth/v1/email/verify")?.[1].security).toEqual([{}, { bearerAuth: [] }]);
    for (const [name, op] of operations) {
      if (op.security?.length) expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(["401"]));
      if (op.requestBody) expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(["400", "415", "422"]));
    }
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("names every operation with a unique camelCase operationId (the method names of generated clients)", async () => {
    const { paths } = await doc();
    const ids = Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.operationId] as const),
    );
    expect(ids.filter(([, id]) => !id || !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
    expect(Object.fromEntries(ids)).toMatchObject({
      "POST /auth/v1/register": "register",
      "POST /auth/v1/login": "login",
      "POST /auth/v1/refresh": "refreshSession",
      "GET /auth/v1/me": "getMe",
      "GET /auth/.well-known/jwks.json": "getJwks",
    });
  });

  it("documents the status codes of the contract", async () => {
    const { paths } = await doc();
    const statuses = (path: string, method: string) => Object.keys(paths[path]?.[method]?.responses ?? {});
    expect(statuses("/auth/v1/register", "post")).toEqual(expect.arrayContaining(["201", "409", "422", "429"]));
    expect(statuses("/auth/v1/me", "patch")).toEqual(expect.arrayContaining(["200", "401", "403", "409", "429"]));
    expect(statuses("/auth/v1/email/revert", "post")).toEqual(expect.arrayContaining(["200", "400", "409", "422"]));
    expect(statuses("/auth/v1/login", "post")).toEqual(expect.arrayContaining(["200", "401", "429"]));
    expect(statuses("/auth/v1/refresh", "post")).toEqual(expect.arrayContaining(["200", "401"]));
    expect(statuses("/auth/v1/logout", "post")).toEqual(expect.arrayContaining(["204", "401", "403"]));
    expect(statuses("/auth/v1/password", "post")).toEqual(expect.arrayContaining(["204", "403", "429"]));
    expect(statuses("/auth/v1/password/forgot", "post")).toEqual(expect.arrayContaining(["202"]));
    expect(statuses("/auth/v1/password/reset", "post")).toEqual(expect.arrayContaining(["204", "400"]));
    expect(statuses("/auth/v1/api-keys", "post")).toEqual(expect.arrayContaining(["201", "403"]));
    expect(statuses("/auth/v1/api-keys/{id}", "delete")).toEqual(expect.arrayContaining(["204", "404"]));
    expect(statuses("/auth/v1/dev/outbox", "get")).toEqual(expect.arrayContaining(["200", "404"]));
  });

  it("serves the reference page with our own assets", async () => {
    const res = await SELF.fetch(`${ORIGIN}/auth/docs`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-spec-url="/auth/openapi.json"');
    expect(html).toContain("/_docs/swagger-ui-bundle.js");
  });
});

describe("unknown routes and methods", () => {
  it.each([
    ["GET", "/auth/v1/nope"],
    ["GET", "/auth/v1/register"],
    ["PUT", "/auth/v1/me"],
    ["GET", "/auth/v2/me"],
    ["GET", "/other"],
  ])("%s %s is a 404 problem", async (method, path) => {
    await expectProblem(await SELF.fetch(`${ORIGIN}${path}`, { method }), "not_found", `No route for ${method} ${path}`);
  });
});
