import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

type Op = {
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, unknown> }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, unknown> } };

const load = async () => (await (await SELF.fetch("http://chat.test/chat/openapi.json")).json()) as Doc;

it("documents every route, and only those", async () => {
  const doc = await load();
  expect(doc.openapi).toBe("3.1.0");
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
  expect(ops.sort()).toEqual(
    [
      "GET /chat/health",
      "GET /chat/v1/rooms/{id}/ws",
      "GET /chat/v1/dev/outbox",
      "POST /chat/v1/rooms",
      "GET /chat/v1/rooms",
      "POST /chat/v1/dm",
      "GET /chat/v1/rooms/{id}",
      "PATCH /chat/v1/rooms/{id}",
      "POST /chat/v1/rooms/{id}/members",
      "PATCH /chat/v1/rooms/{id}/members/{userId}",
      "DELETE /chat/v1/rooms/{id}/members/{userId}",
      "POST /chat/v1/rooms/{id}/leave",
      "GET /chat/v1/rooms/{id}/messages",
      "POST /chat/v1/rooms/{id}/ticket",
      "POST /chat/v1/rooms/{id}/attachments",
      "GET /chat/v1/rooms/{id}/attachments/{attachmentId}",
      "GET /chat/v1/search",
      "GET /chat/v1/presence",
      "GET /chat/v1/notifications",
      "GET /chat/v1/push/vapid-public-key",
      "POST /chat/v1/push/subscriptions",
      "GET /chat/v1/push/subscriptions",
      "DELETE /chat/v1/push/subscriptions/{id}",
      "GET /chat/v1/notifications/settings",
      "PATCH /chat/v1/notifications/settings",
      "GET /chat/v1/email/unsubscribe",
      "POST /chat/v1/email/unsubscribe",
    ].sort(),
  );
});

it("every error response is problem+json, and Bearer routes say so", async () => {
  const doc = await load();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      for (const [status, res] of Object.entries(op.responses)) {
        if (Number(status) >= 400)
          expect(Object.keys(res.content ?? {}), `${method} ${path} ${status}`).toEqual(["application/problem+json"]);
      }
      // open routes have their own credential: the WebSocket ticket, DEV_MODE, the unsubscribe link's token
      const bearer =
        path.startsWith("/chat/v1/") && !path.endsWith("/ws") && !path.startsWith("/chat/v1/dev/") && !path.startsWith("/chat/v1/email/");
      expect(op.security, `${method} ${path} security`).toEqual(bearer ? [{ bearerAuth: [] }] : []);
      if (bearer) expect(Object.keys(op.responses)).toContain("401");
    }
  }
});

it("the WebSocket endpoint documents its refusals", async () => {
  const doc = await load();
  const ws = doc.paths["/chat/v1/rooms/{id}/ws"]?.get;
  expect(Object.keys(ws?.responses ?? {}).sort()).toEqual(["101", "401", "403", "422", "426"]);
  expect(ws?.parameters?.map((p) => `${p.in}:${p.name}`).sort()).toEqual(["path:id", "query:since", "query:ticket"]);
});

it("invites and one-on-one rooms take exactly one of userId or email; members carry a name", async () => {
  const { schemas } = (await load()).components;
  for (const name of ["AddMember", "OpenDm"]) {
    expect(schemas[name], name).toMatchObject({
      type: "object",
      properties: { userId: { type: "string" }, email: { type: "string", format: "email", maxLength: 254 } },
      additionalProperties: false,
      oneOf: [{ required: ["userId"] }, { required: ["email"] }],
    });
    expect((schemas[name] as { required?: string[] }).required ?? []).not.toContain("userId");
  }
  expect(schemas.Member).toMatchObject({ properties: { name: { type: ["string", "null"] } }, required: expect.arrayContaining(["name"]) });
});

it("every operation has a unique camelCase operationId, named where the route is declared", async () => {
  const doc = await load();
  const ids = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
  for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]+$/);
  expect(new Set(ids).size).toBe(ids.length);
  expect(doc.paths["/chat/v1/rooms/{id}/ws"]?.get?.operationId).toBe("openRoomSocket");
  expect(doc.paths["/chat/v1/rooms"]?.post?.operationId).toBe("createRoom");
});
