import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { ApiError, createApp, errors, finishDocument, jsonBody, jsonResponse, mountDocs, redactPath, textField } from "../src";

const app = createApp({ maxBodyBytes: 1024 });
app.openapi(
  createRoute({
    method: "post",
    path: "/things",
    request: { body: jsonBody(z.object({ name: textField({ min: 1, max: 10, trim: true }), count: z.number().int().min(0) })) },
    responses: { 201: jsonResponse(z.object({ name: z.string(), count: z.number() }), "Created"), ...errors(400, 413, 415, 422) },
  }),
  (c) => c.json(c.req.valid("json"), 201),
);
app.get("/boom", () => {
  throw new Error("secret database password in stack");
});
app.get("/conflict", () => {
  throw new ApiError("conflict", "Already there", { extensions: { existingId: "x1" } });
});
app.get("/thing", (c) => c.json({ a: 1 }));
mountDocs(app, { prefix: "/things", title: "Things <API>", version: "1.2.3", description: "d" });

const post = (body: string, type = "application/json") =>
  app.request("/things", { method: "POST", headers: { "Content-Type": type }, body });

const problemOf = async (res: Response) => {
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  return (await res.json()) as Record<string, unknown>;
};

describe("problem+json errors", () => {
  it("422 lists each failing field with its path and location", async () => {
    const res = await post(JSON.stringify({ name: "", count: -1 }));
    expect(res.status).toBe(422);
    const body = await problemOf(res);
    expect(body).toMatchObject({
      type: "https://edgeworks.dev/problems/validation-failed",
      title: "Validation failed",
      status: 422,
      code: "validation_failed",
    });
    expect(body.instance).toBe(res.headers.get("X-Request-Id"));
    // one entry per broken rule: an empty name is both too short and blank
    expect([...new Set((body.errors as { path: string }[]).map((e) => e.path))].sort()).toEqual(["count", "name"]);
    expect((body.errors as { path: string; message: string }[]).filter((e) => e.path === "name").map((e) => e.message)).toContain(
      "Must not be empty",
    );
    expect((body.errors as { location: string }[])[0]?.location).toBe("body");
  });

  it.each([
    { label: "malformed JSON", body: '{"name":', status: 400, code: "malformed_json" },
    {
      label: "deeply nested JSON",
      body: `${"[".repeat(200_000)}${"]".repeat(200_000)}`.slice(0, 1000),
      status: 400,
      code: "malformed_json",
    },
    { label: "a lone surrogate", body: '{"name":"a\\ud800","count":1}', status: 422, code: "validation_failed" },
    { label: "a NUL character", body: '{"name":"a\\u0000b","count":1}', status: 422, code: "validation_failed" },
    { label: "a body over the limit", body: JSON.stringify({ name: "x".repeat(2000), count: 1 }), status: 413, code: "payload_too_large" },
  ])("$label is a $status problem", async ({ body, status, code }) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(await problemOf(res)).toMatchObject({ status, code });
  });

  it("a wrong content type is 415", async () => {
    const res = await post("name=x", "application/x-www-form-urlencoded");
    expect(res.status).toBe(415);
    expect(await problemOf(res)).toMatchObject({ status: 415, code: "unsupported_media_type" });
  });

  it("a missing body is validated as empty: 422", async () => {
    const res = await app.request("/things", { method: "POST" });
    expect(res.status).toBe(422);
  });

  it("an unexpected error is a generic 500 with no stack or message", async () => {
    const res = await app.request("/boom");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("secret");
    expect(text).not.toContain("at ");
    expect(JSON.parse(text)).toMatchObject({ status: 500, code: "internal", detail: "An unexpected error occurred" });
  });

  it("ApiError extensions are kept", async () => {
    const res = await app.request("/conflict");
    expect(res.status).toBe(409);
    expect(await problemOf(res)).toMatchObject({ code: "conflict", detail: "Already there", existingId: "x1" });
  });

  it("unknown routes are 404 problems", async () => {
    const res = await app.request("/nope");
    expect(res.status).toBe(404);
    expect(await problemOf(res)).toMatchObject({ code: "not_found", detail: "No route for GET /nope" });
  });
});

describe("conditional GET", () => {
  it("sends an ETag and answers 304 to a matching If-None-Match", async () => {
    const first = await app.request("/thing");
    const tag = first.headers.get("ETag");
    expect(tag).toMatch(/^"[0-9a-f]+"$/);
    const again = await app.request("/thing", { headers: { "If-None-Match": tag ?? "" } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const other = await app.request("/thing", { headers: { "If-None-Match": '"other"' } });
    expect(other.status).toBe(200);
  });
});

describe("docs", () => {
  it("serves OpenAPI 3.1 with every route's request and response schemas", async () => {
    const res = await app.request("/things/openapi.json");
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "Things <API>", version: "1.2.3" });
    const op = doc.paths["/things"].post;
    expect(op.requestBody.content["application/json"].schema.required).toEqual(["name", "count"]);
    expect(Object.keys(op.responses).sort()).toEqual(["201", "400", "413", "415", "422"]);
    // the platform's additions (finishDocument): license and contact; a scheme no operation uses is dropped
    expect(doc.info.license).toEqual({ name: "Proprietary", identifier: "LicenseRef-Edgeworks-Proprietary" });
    expect(doc.info.contact).toEqual({ name: "Edgeworks maintainers" });
    expect(doc.components.securitySchemes?.bearerAuth).toBeUndefined();
  });

  it("finishDocument adds a 304 to every GET with a 200 and keeps the schemes operations use", () => {
    const doc = finishDocument({
      paths: {
        "/a": { get: { responses: { "200": {} }, security: [{ bearerAuth: [] }] }, post: { responses: { "201": {} } } },
        "/b": { get: { responses: { "302": {} }, security: [] } },
      },
      components: { securitySchemes: { bearerAuth: {}, apiKey: {} } },
    });
    expect(Object.keys(doc.paths?.["/a"]?.get?.responses ?? {})).toEqual(["200", "304"]);
    expect(Object.keys(doc.paths?.["/a"]?.post?.responses ?? {})).toEqual(["201"]);
    expect(Object.keys(doc.paths?.["/b"]?.get?.responses ?? {})).toEqual(["302"]);
    expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual(["bearerAuth"]);
  });

  it("serves the reference page from our own assets, HTML-escaped", async () => {
    const html = await (await app.request("/things/docs")).text();
    expect(html).toContain('<script src="/_docs/swagger-ui-bundle.js">');
    expect(html).toContain('data-spec-url="/things/openapi.json"');
    expect(html).toContain("Things &lt;API&gt;");
    expect(html).not.toMatch(/https?:\/\/(cdn|unpkg)/);
  });
});

describe("redactPath", () => {
  it.each([
    ["/boards/v1/calendar/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde.ics", "/boards/v1/calendar/[redacted].ics"],
    ["/notes/v1/public/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde/html", "/notes/v1/public/[redacted]/html"],
    ["/todo/v1/todos/V1StGXR8_Z5jdHi6B-myT", "/todo/v1/todos/V1StGXR8_Z5jdHi6B-myT"],
    ["/aB3-x_9", "/aB3-x_9"],
  ])("%s is logged as %s", (path, logged) => {
    expect(redactPath(path)).toBe(logged);
  });
});

describe("upload body limit", () => {
  const uploads = createApp({ maxBodyBytes: 16, uploads: { maxBytes: 64, when: (c) => c.req.path === "/up" } });
  uploads.post("/up", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
  uploads.post("/json", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
  const post = (path: string, bytes: number) => uploads.request(path, { method: "POST", body: "x".repeat(bytes) });

  it.each([
    ["/json", 16, 200],
    ["/json", 17, 413],
    ["/up", 17, 200],
    ["/up", 64, 200],
    ["/up", 65, 413],
  ])("POST %s with %i bytes is %i", async (path, bytes, status) => {
    const res = await post(path, bytes);
    expect(res.status).toBe(status);
    if (status === 413) expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    else expect(await res.json()).toEqual({ bytes });
  });
});

describe("a chunked body (no Content-Length)", () => {
  const app = createApp({ maxBodyBytes: 4096 });
  app.post("/json", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
  const chunked = (chunks: number, onPull: () => void = () => undefined) => {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        onPull();
        if (sent++ >= chunks) controller.close();
        else controller.enqueue(new Uint8Array(1024).fill(120));
      },
    });
  };
  const post = (body: ReadableStream<Uint8Array>) =>
    app.request("/json", { method: "POST", body, duplex: "half" } as RequestInit & { duplex: "half" });

  it("within the limit reaches the handler whole", async () => {
    const res = await post(chunked(4));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: 4096 });
  });

  it("over the limit is 413, after the rest of a slightly longer one was read (the connection stays usable)", async () => {
    let pulls = 0;
    const res = await post(
      chunked(20, () => {
        pulls++;
      }),
    );
    expect(res.status).toBe(413);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(pulls).toBe(21); // all twenty chunks and the end: drained, not cut
  });
});

describe("request ids", () => {
  const raw = createApp();
  raw.get("/built", () => new Response("bytes", { headers: { "Content-Type": "application/octet-stream" } }));
  raw.get("/fetched", () => Response.redirect("https://example.com/", 302)); // immutable headers

  it.each(["/built", "/fetched"])("%s: a Response the handler built itself still carries X-Request-Id", async (path) => {
    const res = await raw.request(path, { headers: { "X-Request-Id": "req-123" } });
    expect(res.headers.get("X-Request-Id")).toBe("req-123");
  });

  it("makes one when the client's is unusable", async () => {
    const res = await raw.request("/built", { headers: { "X-Request-Id": "bad id!" } });
    expect(res.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
