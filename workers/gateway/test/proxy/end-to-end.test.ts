// The proxy behind the admin API: a workspace configured through PUT …/config, traffic through the Worker's
// own fetch at /gw/<slug>/…, to the fake upstream Workers. Config changes take effect at once in this isolate.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, gw, newUser, putConfig } from "../helpers";
import { type Echo, tally } from "./support";

const config = (extra: Record<string, unknown> = {}) => ({
  services: [
    {
      name: "users",
      targets: [{ binding: "UPSTREAM_A" }, { binding: "UPSTREAM_B" }, { binding: "UPSTREAM_C" }],
      algorithm: "round-robin",
    },
  ],
  routes: [
    { name: "users", paths: ["/v1/users/:id", "/v1/users"], methods: ["GET", "PUT"], service: "users" },
    { name: "files", paths: ["/v1/files/*"], service: "users", plugins: [{ name: "request-id", config: {} }] },
  ],
  ...extra,
});

describe("proxied traffic of a workspace configured through the admin API", () => {
  let token: string;
  let slug: string;

  beforeAll(async () => {
    token = (await newUser()).token;
    slug = (await createWorkspace(token)).slug;
    await putConfig(token, slug, config());
  });

  it("routes to the service's targets in turn, path and query as sent", async () => {
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await gw(slug, "/v1/users/42?expand=teams");
      expect(res.status).toBe(200);
      const echo = (await res.json()) as Echo;
      expect(echo).toMatchObject({ method: "GET", path: "/v1/users/42", query: { expand: "teams" } });
      names.push(echo.name);
    }
    expect(tally(names)).toEqual({ A: 2, B: 2, C: 2 });
  });

  it("405 with Allow for a method the route does not take; 404 for no route; plugins run", async () => {
    const res = await gw(slug, "/v1/users/42", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, PUT");
    expect(await res.json()).toMatchObject({ code: "method_not_allowed" });
    const none = await gw(slug, "/v2/nothing");
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ code: "not_found", detail: "No route matches GET /v2/nothing" });
    const file = await gw(slug, "/v1/files/a/b.txt");
    expect(file.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    await file.body?.cancel();
  });

  it("a new config version takes effect at once (here: a single target)", async () => {
    const other = (await createWorkspace(token)).slug;
    await putConfig(token, other, config());
    await putConfig(token, other, {
      ...config(),
      services: [{ name: "users", targets: [{ binding: "UPSTREAM_C" }] }],
    });
    const res = await gw(other, "/v1/users");
    expect(((await res.json()) as Echo).name).toBe("C");
  });

  it("/gw/<ws>/../admin never reaches the workspace's routes or the admin API", async () => {
    const res = await SELF.fetch(`http://gateway.test/gw/${slug}/../gateway/v1/workspaces`);
    // resolved by the URL parser to /gw/gateway/v1/workspaces: the (reserved, unknown) workspace "gateway"
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found", detail: "Workspace not found" });
    const encoded = await gw(slug, "/v1/users/..%2f..%2fadmin");
    expect(encoded.status).toBe(400);
    await encoded.body?.cancel();
  });

  it("a workspace's own host reaches its routes without /gw/<slug>; an unknown host is the admin app's", async () => {
    const other = (await createWorkspace(token)).slug;
    const host = `${other}.api-host.test`;
    await putConfig(token, other, config({ hosts: [host] }));
    const res = await SELF.fetch(`http://${host}/v1/users/7`);
    expect(res.status).toBe(200);
    expect((await res.json()) as Echo).toMatchObject({ path: "/v1/users/7" });
    const unknown = await SELF.fetch("http://nobody.api-host.test/v1/users/7");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "not_found", detail: "No route for GET /v1/users/7" });
    const admin = await SELF.fetch(`http://${host}/gateway/health`);
    expect(admin.status).toBe(200);
  });
});
