import { describe, expect, it } from "vitest";
import { addMember, api, call, createWorkspace, expectStale, getConfig, newUser } from "../helpers";

type Entity = Record<string, unknown> & { id?: string; name?: string };

async function owned() {
  const owner = await newUser();
  const ws = await createWorkspace(owner.token);
  return { owner, ws, at: `/workspaces/${ws.slug}` };
}

const service = (name = "users-api") => ({ name, targets: [{ binding: "UPSTREAM_A" }, { url: "https://users.example.com", weight: 50 }] });

describe("services, routes, consumers and issuers", () => {
  it("a service: create (defaults and ids filled in), get by id or name, patch, list, delete; each write is a version", async () => {
    const { owner, at } = await owned();
    const res = await call("POST", `${at}/services`, owner.token, service());
    const created: Entity = await api.ok(res, 201);
    expect(created).toMatchObject({
      id: expect.stringMatching(/^svc_/),
      name: "users-api",
      algorithm: "round-robin",
      retries: 1,
      timeouts: { connectMs: 5000, readMs: 30000 },
      targets: [
        { id: expect.stringMatching(/^tgt_/), binding: "UPSTREAM_A", weight: 100 },
        { id: expect.stringMatching(/^tgt_/), url: "https://users.example.com", weight: 50 },
      ],
    });
    expect(res.headers.get("Location")).toBe(`/gateway/v1${at}/services/${created.id}`);
    expect(res.headers.get("ETag")).toBe('"2"');
    expect(await api.ok(call("GET", `${at}/services/${created.id}`, owner.token))).toEqual(created);
    expect(await api.ok(call("GET", `${at}/services/users-api`, owner.token))).toEqual(created);

    const patched = await call("PATCH", `${at}/services/users-api`, owner.token, {
      retries: 3,
      timeouts: { readMs: 1000 },
      id: "svc_other",
    });
    const after: Entity = await api.ok(patched);
    expect(after).toEqual({ ...created, retries: 3, timeouts: { connectMs: 5000, readMs: 1000 } });
    expect(patched.headers.get("ETag")).toBe('"3"');
    expect(await api.ok(call("GET", `${at}/services`, owner.token))).toEqual({ version: 3, items: [after] });

    const removed = await call("DELETE", `${at}/services/${created.id}`, owner.token);
    expect(removed.status).toBe(204);
    expect(removed.headers.get("ETag")).toBe('"4"');
    await api.problem(call("GET", `${at}/services/${created.id}`, owner.token), 404, "not_found");
    await api.problem(call("DELETE", `${at}/services/${created.id}`, owner.token), 404, "not_found");
    await api.problem(call("PATCH", `${at}/services/${created.id}`, owner.token, { retries: 1 }), 404, "not_found");
    expect(await api.ok(call("GET", `${at}/services`, owner.token))).toEqual({ version: 4, items: [] });
  });

  it("routes, consumers and issuers refer by name; each kind is listed, read, patched and deleted", async () => {
    const { owner, at } = await owned();
    await api.ok(call("POST", `${at}/services`, owner.token, service("api")), 201);
    const issuer: Entity = await api.ok(
      call("POST", `${at}/issuers`, owner.token, { name: "idp", issuer: "https://idp.example", jwksUrl: "https://idp.example/jwks" }),
      201,
    );
    expect(issuer).toEqual({
      name: "idp",
      issuer: "https://idp.example",
      jwksUrl: "https://idp.example/jwks",
      audiences: [],
      requiredClaims: {},
      algorithms: ["RS256", "ES256"],
    });
    const route: Entity = await api.ok(
      call("POST", `${at}/routes`, owner.token, {
        name: "users",
        paths: ["/v1/users/:id"],
        methods: ["get"],
        service: "api",
        plugins: [{ name: "auth", config: { methods: ["key"] } }],
      }),
      201,
    );
    expect(route).toMatchObject({ id: expect.stringMatching(/^rte_/), methods: ["GET"], priority: 0, hosts: [], service: "api" });
    const consumer: Entity = await api.ok(
      call("POST", `${at}/consumers`, owner.token, { username: "mobile", groups: ["apps"], jwt: [{ issuer: "idp", subject: "u1" }] }),
      201,
    );
    expect(consumer).toMatchObject({ id: expect.stringMatching(/^csm_/), username: "mobile", groups: ["apps"], plugins: [] });
    const byName = await call("GET", `${at}/issuers/idp`, owner.token);
    expect(await api.ok(byName)).toEqual(issuer);

    // a JSON merge patch: null removes a field, lists are replaced
    expect(await api.ok(call("PATCH", `${at}/routes/users`, owner.token, { priority: 10, methods: ["GET", "HEAD"] }))).toMatchObject({
      id: route.id,
      priority: 10,
      methods: ["GET", "HEAD"],
    });
    expect(await api.ok(call("PATCH", `${at}/consumers/${consumer.id}`, owner.token, { groups: null }))).toMatchObject({ groups: [] });

    // an issuer a consumer still uses cannot go; once the consumer is gone it can
    await api.problem(call("DELETE", `${at}/issuers/idp`, owner.token), 422, "validation_failed");
    expect((await call("DELETE", `${at}/consumers/mobile`, owner.token)).status).toBe(204);
    expect((await call("DELETE", `${at}/issuers/idp`, owner.token)).status).toBe(204);
    expect((await call("DELETE", `${at}/routes/users`, owner.token)).status).toBe(204);
    const { config } = await getConfig<Record<string, unknown[]>>(owner.token, at.split("/")[2] as string);
    expect({ routes: config.routes, consumers: config.consumers, issuers: config.issuers }).toEqual({
      routes: [],
      consumers: [],
      issuers: [],
    });
  });

  it("a service a route uses cannot be deleted (422 naming the route) nor renamed away", async () => {
    const { owner, ws, at } = await owned();
    await api.ok(call("POST", `${at}/services`, owner.token, service("api")), 201);
    await api.ok(call("POST", `${at}/routes`, owner.token, { name: "r", paths: ["/x"], service: "api" }), 201);
    const before = await getConfig(owner.token, ws.slug);
    await api.problem(call("DELETE", `${at}/services/api`, owner.token), 422, "validation_failed", ["routes[0].service"]);
    await api.problem(call("PATCH", `${at}/services/api`, owner.token, { name: "renamed" }), 422, "validation_failed", [
      "routes[0].service",
    ]);
    expect(await getConfig(owner.token, ws.slug)).toEqual(before);
  });

  it("refuses invalid entries with 422 and paths relative to the entry; a taken name is 409; nothing changes", async () => {
    const { owner, ws, at } = await owned();
    await api.ok(call("POST", `${at}/services`, owner.token, service("api")), 201);
    const before = await getConfig(owner.token, ws.slug);
    const bad = async (path: string, body: unknown, paths: string[], method = "POST") =>
      api.problem(call(method, `${at}${path}`, owner.token, body), 422, "validation_failed", paths);
    await bad("/services", { name: "x", targets: [] }, ["targets"]);
    await bad("/services", { name: "Bad Name", targets: [{ binding: "UPSTREAM_A" }] }, ["name"]);
    await bad("/services", { name: "x", targets: [{ url: "http://127.0.0.1:8080" }] }, ["targets[0].url"]);
    await bad("/services", { name: "x", targets: [{ url: "https://10.0.0.1" }] }, ["targets[0].url"]);
    await bad("/services", { name: "x", targets: [{ binding: "ACCOUNTS" }] }, ["targets[0].binding"]);
    await bad("/services", { name: "x", targets: [{ binding: "UPSTREAM_A" }], retries: 9 }, ["retries"]);
    await bad("/services", { name: "x", targets: [{ binding: "UPSTREAM_A" }], surprise: true }, [""]);
    await bad("/routes", { name: "r", paths: ["/x"], service: "nope" }, ["service"]);
    await bad("/routes", { name: "r", paths: ["/../admin"], service: "api" }, ["paths[0]"]);
    await bad("/routes", { name: "r", paths: ["/x"], service: "api", plugins: [{ name: "acl", config: { allow: ["a"] } }] }, [
      "plugins[0].name",
    ]);
    await bad("/routes", { name: "r", paths: ["/x"], service: "api", plugins: [{ name: "rate-limit", config: { limit: -1 } }] }, [
      "plugins[0].config.limit",
    ]);
    await bad("/consumers", { username: "c", jwt: [{ issuer: "unknown", subject: "s" }] }, ["jwt[0].issuer"]);
    await bad("/issuers", { name: "i", issuer: "x", jwksUrl: "http://169.254.169.254/latest" }, ["jwksUrl"]);
    await bad("/services/api", { targets: null }, ["targets"], "PATCH");
    await bad("/services/api", { algorithm: "random" }, ["algorithm"], "PATCH");
    await api.problem(call("POST", `${at}/services`, owner.token, service("api")), 409, "conflict");
    await api.problem(
      call("POST", `${at}/services`, owner.token, { name: "x\u0000", targets: [{ binding: "UPSTREAM_A" }] }),
      422,
      "validation_failed",
      ["name"],
    );
    const deep = JSON.parse(`${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`);
    await bad("/services/api", { hashOn: deep }, [""], "PATCH");
    expect(await getConfig(owner.token, ws.slug)).toEqual(before);
  });

  it("If-Match makes an entry write conditional: a stale version is 412 and changes nothing", async () => {
    const { owner, ws, at } = await owned();
    await expectStale(call("POST", `${at}/services`, owner.token, service(), { "If-Match": '"7"' }), 1);
    await expectStale(call("POST", `${at}/services`, owner.token, service(), { "If-Match": "garbage" }), 1);
    expect((await getConfig(owner.token, ws.slug)).version).toBe(1);
    await api.ok(call("POST", `${at}/services`, owner.token, service(), { "If-Match": '"1"' }), 201);
    await expectStale(call("PATCH", `${at}/services/users-api`, owner.token, { retries: 0 }, { "If-Match": '"1"' }), 2);
    expect(await api.ok(call("PATCH", `${at}/services/users-api`, owner.token, { retries: 0 }, { "If-Match": '"2"' }))).toMatchObject({
      retries: 0,
    });
  });

  it("roles: viewers read, admins write entries, strangers get 404", async () => {
    const { owner, ws, at } = await owned();
    const created: Entity = await api.ok(call("POST", `${at}/services`, owner.token, service("api")), 201);
    const admin = await newUser();
    const viewer = await newUser();
    await addMember(owner.token, ws.slug, admin.email, "admin");
    await addMember(owner.token, ws.slug, viewer.email, "viewer");
    expect(await api.ok(call("GET", `${at}/services/api`, viewer.token))).toEqual(created);
    await api.problem(call("POST", `${at}/services`, viewer.token, service("v")), 403, "forbidden");
    await api.problem(call("PATCH", `${at}/services/api`, viewer.token, { retries: 0 }), 403, "forbidden");
    await api.problem(call("DELETE", `${at}/services/api`, viewer.token), 403, "forbidden");
    await api.ok(call("POST", `${at}/services`, admin.token, service("by-admin")), 201);
    await api.ok(call("PATCH", `${at}/services/api`, admin.token, { retries: 0 }));
    const stranger = await newUser();
    await api.problem(call("GET", `${at}/services/api`, stranger.token), 404, "not_found");
    await api.problem(call("GET", `${at}/services`, stranger.token), 404, "not_found");
    await api.problem(call("POST", `${at}/services`, stranger.token, service("s")), 404, "not_found");
    expect((await getConfig(owner.token, ws.slug)).config.services).toHaveLength(2);
  });

  it("another workspace's ids are 404, even for someone who is a member of both", async () => {
    const { owner, ws, at } = await owned();
    const svc: Entity = await api.ok(call("POST", `${at}/services`, owner.token, service("api")), 201);
    const rte: Entity = await api.ok(call("POST", `${at}/routes`, owner.token, { name: "r", paths: ["/x"], service: "api" }), 201);
    const csm: Entity = await api.ok(call("POST", `${at}/consumers`, owner.token, { username: "c" }), 201);
    const other = await createWorkspace(owner.token);
    const there = `/workspaces/${other.slug}`;
    for (const [kind, id] of [
      ["services", svc.id],
      ["routes", rte.id],
      ["consumers", csm.id],
    ]) {
      await api.problem(call("GET", `${there}/${kind}/${id}`, owner.token), 404, "not_found");
      await api.problem(call("PATCH", `${there}/${kind}/${id}`, owner.token, { name: "stolen" }), 404, "not_found");
      await api.problem(call("DELETE", `${there}/${kind}/${id}`, owner.token), 404, "not_found");
    }
    await api.problem(call("GET", `${there}/consumers/${csm.id}/keys`, owner.token), 404, "not_found");
    await api.problem(call("POST", `${there}/consumers/${csm.id}/keys`, owner.token), 404, "not_found");
    await api.problem(call("POST", `${there}/cache/purge`, owner.token, { route: rte.id }), 404, "not_found");
    expect((await getConfig(owner.token, ws.slug)).version).toBe(4);
    expect((await getConfig(owner.token, other.slug)).version).toBe(1);
  });
});
