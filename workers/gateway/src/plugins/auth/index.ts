import { z } from "zod";
import type {
  CompiledConsumer,
  CompiledIssuer,
  ConsumerIdentity,
  GatewayMiddleware,
  PluginDefinition,
  ProxyContext,
  Snapshot,
} from "../../contract";
import { HEADER_NAME, pluginProblem } from "../problem";
import { presentedCredentials, rememberKeyHash, sha256Hex } from "./credentials";
import { JwksUnavailable } from "./jwks";
import { InvalidToken, issuerClaimOf, verifyJwt } from "./jwt";

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const schema = z
  .strictObject({
    /** Which proofs are accepted. */
    methods: z
      .array(z.enum(["key", "jwt"]))
      .min(1)
      .max(2)
      .default(["key"]),
    /** The header that carries an API key (`Authorization: Bearer ewg_…` is always accepted too). */
    keyHeader: z.string().regex(HEADER_NAME, "must be a header name").default("apikey"),
    /** A query parameter that may carry the key (null: none; keys in URLs end up in logs, so off by default). */
    keyQuery: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be a parameter name")
      .nullable()
      .default(null),
    /** The workspace's issuers (by name) whose JWTs are accepted. */
    issuers: z.array(z.string().regex(NAME, "must be an issuer name")).max(20).default([]),
    /** Let requests without any credentials through as anonymous (wrong credentials are still 401). */
    anonymous: z.boolean().default(false),
    /** Remove the credentials before the request goes upstream. */
    hideCredentials: z.boolean().default(true),
    jwt: z.strictObject({ allowUnmapped: z.boolean().default(false) }).default({ allowUnmapped: false }),
  })
  .refine((c) => !c.methods.includes("jwt") || c.issuers.length > 0, { message: "jwt needs at least one issuer", path: ["issuers"] });
export type AuthConfig = z.output<typeof schema>;

/** (issuer name, subject) → consumer, built once per snapshot. */
const jwtIndex = new WeakMap<Snapshot, Map<string, CompiledConsumer>>();
function consumerBySubject(snapshot: Snapshot, issuer: CompiledIssuer, subject: string): CompiledConsumer | undefined {
  let index = jwtIndex.get(snapshot);
  if (!index) {
    index = new Map();
    for (const consumer of Object.values(snapshot.consumers)) {
      for (const j of consumer.jwt) index.set(`${j.issuer}\n${j.subject}`, consumer);
    }
    jwtIndex.set(snapshot, index);
  }
  return index.get(`${issuer.name}\n${subject}`);
}

const identityOf = (c: CompiledConsumer, via: "key" | "jwt", claims?: Record<string, unknown>): ConsumerIdentity => ({
  id: c.id,
  username: c.username,
  groups: c.groups,
  via,
  ...(claims ? { claims } : {}),
});

function create(config: AuthConfig): GatewayMiddleware {
  const allowKey = config.methods.includes("key");
  const allowJwt = config.methods.includes("jwt");
  return async function auth(ctx, next) {
    const challenge = `Bearer realm="gw/${ctx.snapshot.slug}"`;
    const refuse = (detail: string, presented: boolean) =>
      pluginProblem(ctx, "unauthorized", detail, {
        headers: { "WWW-Authenticate": presented ? `${challenge}, error="invalid_token"` : challenge },
      });
    const { key, bearer } = presentedCredentials(ctx.request, ctx.upstreamQuery, config);
    let identity: ConsumerIdentity | null = null;
    if (key !== null && allowKey) {
      const hash = await sha256Hex(key);
      const consumer = ctx.snapshot.consumers[ctx.snapshot.keyHashes[hash] ?? ""];
      // a revoked key, a made-up one and another workspace's are alike: not in this snapshot
      if (!consumer) return refuse("The API key is not valid", true);
      rememberKeyHash(ctx, hash);
      identity = identityOf(consumer, "key");
    } else if (bearer !== null && allowJwt) {
      const result = await jwtIdentity(ctx, config, bearer);
      if (typeof result === "string") return refuse(result, true);
      if (result instanceof Response) return result;
      identity = result;
    } else if (key !== null || bearer !== null) {
      return refuse(key !== null ? "API keys are not accepted on this route" : "Bearer tokens are not accepted on this route", true);
    } else if (!config.anonymous) {
      return refuse("This route needs credentials", false);
    }
    ctx.consumer = identity;
    ctx.log.consumerId = identity?.id ?? null;
    if (config.hideCredentials) hide(ctx, config);
    return next();
  };
}

/** The consumer a JWT proves, a reason to refuse, or a 503 when the issuer's keys cannot be had. */
async function jwtIdentity(ctx: ProxyContext, config: AuthConfig, token: string): Promise<ConsumerIdentity | string | Response> {
  const iss = issuerClaimOf(token);
  if (iss === null) return "The bearer token is not a JWT";
  const issuer = config.issuers.map((name) => ctx.snapshot.issuers[name]).find((i) => i?.issuer === iss);
  if (!issuer) return "The token's issuer is not accepted on this route";
  try {
    const claims = await verifyJwt(token, issuer, { env: ctx.env, exec: ctx.exec, now: ctx.receivedAt });
    const subject = String(claims.sub);
    const consumer = consumerBySubject(ctx.snapshot, issuer, subject);
    if (consumer) return identityOf(consumer, "jwt", claims);
    if (!config.jwt.allowUnmapped) return "The token's subject is not a consumer of this workspace";
    return { id: `jwt:${issuer.name}:${subject.slice(0, 128)}`, username: subject.slice(0, 128), groups: [], via: "jwt", claims };
  } catch (error) {
    if (error instanceof InvalidToken) return `The token is not accepted: ${error.message}`;
    if (error instanceof JwksUnavailable) {
      return pluginProblem(ctx, "service_unavailable", "The token's issuer keys cannot be fetched right now", {
        headers: { "Retry-After": "5" },
        logCode: "jwks_unavailable",
      });
    }
    throw error;
  }
}

/** Takes the credentials off the upstream request (header, bearer, query parameter). */
function hide(ctx: ProxyContext, config: AuthConfig): void {
  const headers = new Headers(ctx.request.headers);
  headers.delete(config.keyHeader);
  // only a Bearer Authorization was ours (an API key or a JWT); another scheme is the upstream's business
  if (/^bearer /i.test((headers.get("authorization") ?? "").slice(0, 7))) headers.delete("authorization");
  ctx.request = new Request(ctx.request, { headers });
  if (config.keyQuery) ctx.upstreamQuery.delete(config.keyQuery);
}

/**
 * The `auth` plugin: API keys (SHA-256 looked up in the snapshot's keyHashes) and/or JWTs of the workspace's
 * issuers (JWKS fetched with the egress guard, cached per isolate); sets `ctx.consumer`. 401 problem with
 * `WWW-Authenticate` otherwise; credentials are removed before the upstream (`hideCredentials`, default).
 *
 * @example PLUGINS.auth.schema.parse({ methods: ["key", "jwt"], issuers: ["corp"] })
 */
export const plugin: PluginDefinition<typeof schema> = { name: "auth", schema, create };
