import { errors, IDEMPOTENCY_NOTE, idempotency, idempotencyKeyHeaders, jsonBody, jsonResponse } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import type { GatewayEnv } from "../product";
import type { EntityKind } from "../workspaces/entities";
import { entityListSchema, entityParams, entitySchema, etagHeader, ifMatchHeaders, wsParams } from "./schemas";

/** How one kind of config entry appears in the API: its path segment, parameter and operation names. */
export interface EntityApi {
  kind: EntityKind;
  /** Path parameter of one entry, e.g. `service`. */
  param: string;
  /** Singular and plural for operation ids: `Service` / `Services`. */
  one: string;
  many: string;
  /** What a write's body is, for the docs. */
  about: string;
}

export const ENTITY_APIS: EntityApi[] = [
  {
    kind: "services",
    param: "service",
    one: "Service",
    many: "Services",
    about: "an upstream pool: targets, algorithm, timeouts, retries, health check, breaker",
  },
  {
    kind: "routes",
    param: "route",
    one: "Route",
    many: "Routes",
    about: "hosts, path patterns, methods, priority, the service (by name) and the plugins in order",
  },
  {
    kind: "consumers",
    param: "consumer",
    one: "Consumer",
    many: "Consumers",
    about: "username, groups, JWT identities (issuer name + subject) and plugin overrides",
  },
  {
    kind: "issuers",
    param: "issuer",
    one: "Issuer",
    many: "Issuers",
    about: "a JWT issuer: iss, JWKS URL, audiences, required claims, algorithms",
  },
];

const base = { security: [{ bearerAuth: [] }] };
const bodyOf = (api: EntityApi, what: string) =>
  jsonBody(z.record(z.string(), z.unknown()).openapi({ description: `${what} (${api.about})` }));
const written = (description: string, status: "created" | "ok") => ({
  description,
  headers:
    status === "created"
      ? etagHeader.extend({ Location: z.string().openapi({ example: "/gateway/v1/workspaces/acme/services/svc_x" }) })
      : etagHeader,
  content: { "application/json": { schema: entitySchema } },
});

/** The five operations of one kind of entry; every write makes a new config version (ETag `"N"`). */
export function entityRoutes(api: EntityApi) {
  const tags = [api.many];
  const one = `/workspaces/{ws}/${api.kind}/{${api.param}}`;
  const params = entityParams(api.param, api.one.toLowerCase());
  return {
    list: createRoute({
      ...base,
      tags,
      operationId: `list${api.many}`,
      method: "get",
      path: `/workspaces/{ws}/${api.kind}`,
      summary: `List ${api.kind}`,
      description: `Every ${api.one.toLowerCase()} of the current config version (any member).`,
      request: { params: wsParams },
      responses: { 200: jsonResponse(entityListSchema, `The ${api.kind}`), ...errors(401, 403, 404, 422) },
    }),
    create: createRoute({
      ...base,
      tags,
      operationId: `create${api.one}`,
      method: "post",
      path: `/workspaces/{ws}/${api.kind}`,
      summary: `Create a ${api.one.toLowerCase()}`,
      description:
        `Adds ${api.about.startsWith("a") ? api.about : `a ${api.one.toLowerCase()}`} to the config (admins): a new version. ` +
        `A taken name is 409; invalid fields are 422 with paths relative to the entry. If-Match makes it conditional. ${IDEMPOTENCY_NOTE}`,
      middleware: [idempotency<GatewayEnv>({ database: (env) => env.DB })] as const,
      request: {
        params: wsParams,
        headers: idempotencyKeyHeaders().merge(ifMatchHeaders),
        body: bodyOf(api, `The new ${api.one.toLowerCase()}`),
      },
      responses: { 201: written("Created", "created"), ...errors(400, 401, 403, 404, 409, 412, 413, 415, 422, 429) },
    }),
    get: createRoute({
      ...base,
      tags,
      operationId: `get${api.one}`,
      method: "get",
      path: one,
      summary: `Get a ${api.one.toLowerCase()}`,
      request: { params },
      responses: { 200: jsonResponse(entitySchema, `The ${api.one.toLowerCase()}`), ...errors(401, 403, 404, 422) },
    }),
    update: createRoute({
      ...base,
      tags,
      operationId: `update${api.one}`,
      method: "patch",
      path: one,
      summary: `Change a ${api.one.toLowerCase()}`,
      description:
        "A JSON merge patch (RFC 7396) of the entry (admins): objects merge, `null` removes a field, lists are replaced; " +
        "the id never changes. A new version; invalid results are 422.",
      request: { params, headers: ifMatchHeaders, body: bodyOf(api, "The fields to change") },
      responses: { 200: written(`The ${api.one.toLowerCase()}`, "ok"), ...errors(400, 401, 403, 404, 412, 413, 415, 422, 429) },
    }),
    remove: createRoute({
      ...base,
      tags,
      operationId: `delete${api.one}`,
      method: "delete",
      path: one,
      summary: `Delete a ${api.one.toLowerCase()}`,
      description:
        api.kind === "services"
          ? "Refused with 422 while a route sends traffic to it. A new version."
          : api.kind === "consumers"
            ? "Its API keys are revoked at once. A new version."
            : "A new version; 422 when the rest of the config still refers to it.",
      request: { params, headers: ifMatchHeaders },
      responses: { 204: { description: "Deleted", headers: etagHeader }, ...errors(401, 403, 404, 412, 422, 429) },
    }),
  };
}
