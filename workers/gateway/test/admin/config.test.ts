import { describe, expect, it } from "vitest";
import { addMember, api, BASE, call, createWorkspace, expectStale, getConfig, newUser, putConfig } from "../helpers";

const DOC = {
  hosts: [],
  services: [{ name: "api", targets: [{ binding: "UPSTREAM_A" }] }],
  routes: [{ name: "all", paths: ["/v1/*"], service: "api", plugins: [{ name: "request-id", config: {} }] }],
  consumers: [{ username: "mobile", groups: ["apps"] }],
  issuers: [],
};
const YAML_DOC = `services:
  - name: api
    targets:
      - binding: UPSTREAM_A
routes:
  - name: all
    paths: ["/v1/*"]
    service: api
`;

async function owned() {
  const owner = await newUser();
  const ws = await createWorkspace(owner.token);
  return { owner, ws, at: `/workspaces/${ws.slug}/config` };
}

const put = (at: string, token: string, body: string, contentType: string, headers: Record<string, string> = {}) =>
  api.fetch(at, { method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": contentType, ...headers }, body });

describe("the whole config", () => {
  it("starts empty at version 1, with ETag; If-None-Match answers 304", async () => {
    const { owner, at } = await owned();
    const res = await call("GET", at, owner.token);
    expect(await api.ok(res)).toEqual({ version: 1, config: { hosts: [], services: [], routes: [], consumers: [], issuers: [] } });
    expect(res.headers.get("ETag")).toBe('"1"');
    expect(res.headers.get("Vary")).toBe("Accept");
    const again = await call("GET", at, owner.token, undefined, { "If-None-Match": '"1"' });
    expect(again.status).toBe(304);
  });

  it("PUT replaces it (JSON or YAML), keeping ids by name; GET answers YAML when asked", async () => {
    const { owner, ws, at } = await owned();
    const res = await call("PUT", `${at}?message=first%20import`, owner.token, DOC);
    const first = await api.ok<{ version: number; config: typeof DOC & { services: { id: string }[] } }>(res);
    expect(first.version).toBe(2);
    expect(res.headers.get("ETag")).toBe('"2"');
    expect(first.config.services[0]).toMatchObject({ id: expect.stringMatching(/^svc_/), name: "api", algorithm: "round-robin" });
    const serviceId = first.config.services[0]?.id;

    const second = await api.ok<{ version: number; config: { services: { id: string }[]; consumers: unknown[] } }>(
      put(at, owner.token, YAML_DOC, "application/yaml"),
    );
    expect(second.version).toBe(3);
    expect(second.config.services[0]?.id).toBe(serviceId);
    expect(second.config.consumers).toEqual([]);

    const yaml = await call("GET", at, owner.token, undefined, { Accept: "application/yaml" });
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get("Content-Type")).toBe("application/yaml; charset=utf-8");
    expect(yaml.headers.get("ETag")).toBe('"3"');
    const text = await yaml.text();
    expect(text).toContain(`id: ${serviceId}`);
    // what GET gives back as YAML is accepted back as is, and changes nothing but the version
    const back = await api.ok<{ version: number; config: unknown }>(put(at, owner.token, text, "text/yaml"));
    expect(back).toEqual({ version: 4, config: second.config });
    const versions = await api.ok<{ items: { message: string }[] }>(call("GET", `/workspaces/${ws.slug}/config/versions`, owner.token));
    expect(versions.items.map((v) => v.message)).toEqual(["Import", "Import", "first import", "Workspace created"]);
  });

  it("?dryRun=true validates without storing; If-Match guards the replace", async () => {
    const { owner, ws, at } = await owned();
    const dry = await api.ok<{ version: number; dryRun: boolean; config: { services: unknown[] } }>(
      call("PUT", `${at}?dryRun=true`, owner.token, DOC),
    );
    expect(dry).toMatchObject({ version: 1, dryRun: true });
    expect(dry.config.services).toHaveLength(1);
    await api.problem(call("PUT", `${at}?dryRun=true`, owner.token, { services: [{ name: "x", targets: [] }] }), 422, "validation_failed", [
      "services[0].targets",
    ]);
    expect((await getConfig(owner.token, ws.slug)).version).toBe(1);

    await expectStale(call("PUT", at, owner.token, DOC, { "If-Match": '"5"' }), 1);
    await expectStale(call("PUT", `${at}?dryRun=true`, owner.token, DOC, { "If-Match": '"5"' }), 1);
    expect((await api.ok<{ version: number }>(call("PUT", at, owner.token, DOC, { "If-Match": '"1"' }))).version).toBe(2);
    await expectStale(call("PUT", at, owner.token, DOC, { "If-Match": '"1"' }), 2);
    expect((await getConfig(owner.token, ws.slug)).version).toBe(2);
  });

  it("exports as a YAML or JSON attachment that imports back to the same config", async () => {
    const { owner, ws, at } = await owned();
    await putConfig(owner.token, ws.slug, DOC);
    const current = await getConfig(owner.token, ws.slug);
    const yaml = await call("GET", `${at}/export`, owner.token);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get("Content-Type")).toBe("application/yaml; charset=utf-8");
    expect(yaml.headers.get("Content-Disposition")).toContain(`attachment; filename="gateway-${ws.slug}-v2.yaml"`);
    const json = await call("GET", `${at}/export?format=json`, owner.token);
    expect(json.headers.get("Content-Disposition")).toContain(`gateway-${ws.slug}-v2.json`);
    expect(await json.json()).toEqual(current.config);
    const reimported = await api.ok<{ config: unknown }>(put(at, owner.token, await yaml.text(), "application/yaml"));
    expect(reimported.config).toEqual(current.config);
    await api.problem(call("GET", `${at}/export?format=xml`, owner.token), 422, "validation_failed", ["format"]);
  });

  it("refuses bad documents with 4xx problems and changes nothing", async () => {
    const { owner, ws, at } = await owned();
    await putConfig(owner.token, ws.slug, DOC);
    const before = await getConfig(owner.token, ws.slug);
    // (a syntax error's problem also carries `line` and `column`, so the body is checked member by member)
    const invalid = async (body: string, type = "application/yaml") => {
      const res = await put(at, owner.token, body, type);
      expect(res.status).toBe(422);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      const problem = (await res.json()) as { code: string; errors: { path: string; message: string }[] };
      expect(problem.code).toBe("validation_failed");
      expect(problem.errors.length).toBeGreaterThan(0);
      return problem;
    };
    // YAML syntax, duplicate keys, several documents, custom tags, alias bombs
    expect((await invalid("services: [unclosed")).errors[0]?.message).toMatch(/^line \d+, column \d+/);
    await invalid("services: []\nservices: []\n");
    await invalid("services: []\n---\nroutes: []\n");
    await invalid("services: !!js/function 'return 1'\n");
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(",")}]`,
      );
    expect([413, 422]).toContain((await put(at, owner.token, bomb.join("\n"), "application/yaml")).status);
    // deep nesting, in both formats
    await invalid(`${"[".repeat(20_000)}${"]".repeat(20_000)}`);
    await invalid(`${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`, "application/json");
    await invalid("[1, 2]", "application/json");
    await invalid('"just a string"', "application/json");
    // odd unicode: a lone surrogate, a right-to-left override and NUL in names
    await invalid('{"services":[{"name":"bad\\ud800","targets":[{"binding":"UPSTREAM_A"}]}]}', "application/json");
    await invalid('{"services":[{"name":"a\\u202eb","targets":[{"binding":"UPSTREAM_A"}]}]}', "application/json");
    await invalid('{"consumers":[{"username":"a\\u0000"}]}', "application/json");
    await api.problem(put(at, owner.token, '{"services": [', "application/json"), 400, "malformed_json");
    await api.problem(put(at, owner.token, "services: []", "text/plain"), 415, "unsupported_media_type");
    await api.problem(put(at, owner.token, "services=1", "application/x-www-form-urlencoded"), 415, "unsupported_media_type");
    await api.problem(
      api.fetch(at, { method: "PUT", headers: { Authorization: `Bearer ${owner.token}` }, body: "{}" }),
      415,
      "unsupported_media_type",
    );
    // bigger than the 512 KiB document cap (under the 1 MiB body limit) and bigger than the body limit
    const big = JSON.stringify({ consumers: Array.from({ length: 900 }, (_, i) => ({ username: `c${i}`, customId: "x".repeat(600) })) });
    await api.problem(put(at, owner.token, big, "application/json"), 413, "payload_too_large");
    await api.problem(put(at, owner.token, `# ${"x".repeat(2 * 1024 * 1024)}`, "application/yaml"), 413, "payload_too_large");
    expect(await getConfig(owner.token, ws.slug)).toEqual(before);
  });

  it("viewers read and export but cannot replace; strangers get 404", async () => {
    const { owner, ws, at } = await owned();
    const viewer = await newUser();
    await addMember(owner.token, ws.slug, viewer.email, "viewer");
    expect((await api.ok<{ version: number }>(call("GET", at, viewer.token))).version).toBe(1);
    expect((await call("GET", `${at}/export`, viewer.token)).status).toBe(200);
    await api.problem(call("PUT", at, viewer.token, DOC), 403, "forbidden");
    const stranger = await newUser();
    await api.problem(call("GET", at, stranger.token), 404, "not_found");
    await api.problem(call("GET", `${at}/export`, stranger.token), 404, "not_found");
    await api.problem(call("PUT", at, stranger.token, DOC), 404, "not_found");
    await api.problem(put(at, stranger.token, "not: [yaml", "application/yaml"), 404, "not_found");
    expect((await getConfig(owner.token, ws.slug)).version).toBe(1);
    expect(BASE).toContain("/gateway/v1");
  });
});
