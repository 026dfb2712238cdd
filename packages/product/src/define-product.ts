import { type AccountsBindings, type AuthVariables, authenticateWithAccounts, requireMethodScope } from "@edgeworks/auth";
import {
  type AppEnv,
  type CreateAppOptions,
  createApp,
  createRouter,
  jsonResponse,
  mountDocs,
  type OpenApiDocument,
  operationsOf,
} from "@edgeworks/http";
import { limitUserWrites } from "@edgeworks/ratelimit";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { d1Sessions, documentD1Sessions } from "./d1-session";

/** The Hono environment of the guarded `/v1` router: the Worker's bindings plus the authenticated principal. */
export type GuardedEnv<B extends object> = AppEnv<B, AuthVariables>;
/** The Hono environment of routes that authenticate otherwise or not at all (health, tickets, public links, web pages). */
export type PublicEnv<B extends object> = AppEnv<B>;

/** The authentication of the guarded router: anything that sets `c.var.auth` or throws 401. */
export type Authenticate<B extends object> = MiddlewareHandler<GuardedEnv<B>>;

/** What the `/v1` guard runs, in order: authenticate once, check `<scope>:read|write`, limit writes per user. */
export interface GuardOptions<B extends object> {
  /** Default: `authenticateWithAccounts` (a Bearer access token verified locally, or an `ewk_` API key verified by accounts). */
  authenticate?: Authenticate<B>;
  /** Scope prefix: GET/HEAD need `<scope>:read`, others `<scope>:write` (default: the prefix without its slash); false: no scope check. */
  scope?: string | false;
  /** Rate-limiter key name of `limitUserWrites` (default `<scope>-write`, 600/min or `WRITE_RATE_LIMIT_PER_MINUTE`); false: no limit. */
  writeLimit?: string | false;
}

/** Only a Worker bound to accounts can use the default authentication; any other (accounts itself) brings its own. */
type GuardOption<B extends object> = B extends AccountsBindings
  ? { guard?: GuardOptions<B> | false }
  : { guard: (GuardOptions<B> & { authenticate: Authenticate<B> }) | false };

/** The options of {@link defineProduct}. */
export type ProductOptions<B extends object, D> = GuardOption<B> & {
  /** Path prefix on the front door, e.g. `/todo`: health at `<prefix>/health`, the API at `<prefix>/v1`, docs at `<prefix>/docs`. */
  prefix: `/${string}`;
  /** OpenAPI `info`, rendered at `<prefix>/docs` and `<prefix>/openapi.json`. */
  title: string;
  version: string;
  description: string;
  /** createApp options: body limit and the larger limit of raw uploads. */
  app?: CreateAppOptions;
  /** The service dependencies of a guarded request (a drizzle db, the caller, the clock); services never see the Context. */
  deps?: (c: Context<GuardedEnv<B>>) => D;
  /**
   * D1 read replication: the database whose queries under `<prefix>/v1` run in one D1 session per request,
   * started from the client's `X-D1-Bookmark` (answered with the latest one); `sessionDatabase(c)` is it.
   * See d1-session.ts.
   */
  d1?: (env: B) => D1Database;
  /** OpenAPI tag and summary of the health route (default `Health`, "Liveness check (no authentication)"). */
  health?: { tag?: string; summary?: string };
};

/** The extra handlers of the Worker's default export. */
export type WorkerHandlers<B extends object> = Omit<ExportedHandler<B>, "fetch"> & {
  /** Runs before the app, e.g. a redirect's lean path; return null to let the app answer. */
  fetch?: (request: Request, env: B, ctx: ExecutionContext) => Response | Promise<Response> | null;
};

/**
 * The default export built by `worker(handlers)`: the handlers as given, with the app's fetch (Hono's
 * signature, so a test may call it with a partial env, as it could call the app).
 */
export type ProductWorker<B extends object, H> = Omit<H, "fetch"> & { fetch: OpenAPIHono<PublicEnv<B>>["fetch"] };

/** A product: its app and routers, its dependencies, and the Worker built from them. */
export interface Product<B extends object, D> {
  /** The app (createApp with the platform's middleware): add root-level routes here (web pages, redirects). */
  app: OpenAPIHono<PublicEnv<B>>;
  /** Routes under `<prefix>/v1` behind the guard; `c.var.auth` is the caller. */
  v1: OpenAPIHono<GuardedEnv<B>>;
  /** Routes under `<prefix>/v1` that answer before the guard (their own credentials: a ticket, a secret URL, optional auth). */
  open: OpenAPIHono<PublicEnv<B>>;
  /** The service dependencies of a guarded request (throws when the product defined none). */
  deps: (c: Context<GuardedEnv<B>>) => D;
  /** Mounts the routers (open, then guarded) and the docs, once; returns the app. Call after every route is added. */
  build: () => OpenAPIHono<PublicEnv<B>>;
  /**
   * The Worker's default export: `build()`'s fetch plus queue/scheduled handlers, typed as given (so a
   * test can call `worker.queue(batch, env)` without a non-null assertion).
   */
  worker: <H extends WorkerHandlers<B> = Record<never, never>>(handlers?: H & WorkerHandlers<B>) => ProductWorker<B, H>;
}

const healthBody = z.object({ status: z.literal("ok") }).openapi("Health");

/** The guard's middleware in order; none when `guard` is false. */
function guardOf(
  prefix: string,
  guard: { authenticate?: MiddlewareHandler; scope?: string | false; writeLimit?: string | false } | false | undefined,
): MiddlewareHandler[] {
  if (guard === false) return [];
  const scope = guard?.scope ?? prefix.slice(1);
  // the default needs AccountsBindings, which ProductOptions guarantees whenever `authenticate` is left out
  const chain: MiddlewareHandler[] = [guard?.authenticate ?? authenticateWithAccounts<AccountsBindings>()];
  if (scope !== false) chain.push(requireMethodScope(scope));
  const limit = guard?.writeLimit ?? (scope === false ? false : `${scope}-write`);
  if (limit !== false) chain.push(limitUserWrites(limit));
  return chain;
}

/**
 * Every operation that takes a bearer credential can answer 503 (with `Retry-After`): the guard verifies tokens
 * against accounts' keys, and fetches them over the service binding when this isolate has none cached.
 */
function documentGuardOutage(doc: OpenApiDocument): void {
  const outage = {
    description: "The identity service could not be asked for its signing keys; retry after `Retry-After` seconds",
    headers: { "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } } },
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  };
  for (const [, op] of operationsOf(doc)) {
    if (!(op.security ?? []).some((requirement) => "bearerAuth" in requirement)) continue;
    op.responses ??= {};
    op.responses["503"] ??= outage;
  }
}

/**
 * Defines a product Worker the platform's way: the app with `GET <prefix>/health` and docs, one guarded
 * `/v1` router (authentication once, then the method's scope, then the per-user write limit), an open
 * router for routes with credentials of their own, typed service dependencies, and the default export.
 * Routers are mounted by `build()` (or `worker()`), after every route is added, because Hono copies a
 * router's routes when it is mounted and the open routes must answer before the guard.
 *
 * @example
 * export const todo = defineProduct<Env, ServiceDeps>({
 *   prefix: "/todo", title: "Todo API", version: "1.0.0", description: "Personal todos…",
 *   deps: (c) => ({ db: drizzle(c.env.DB), userId: c.var.auth.userId, now: Date.now }),
 * });
 * todo.v1.route("/", todosRouter); // handlers call todo.deps(c)
 * export default todo.worker({ scheduled });
 */
export function defineProduct<B extends object, D = never>(options: ProductOptions<B, D>): Product<B, D> {
  const { prefix } = options;
  const app = createApp<PublicEnv<B>>(options.app);
  const v1 = createRouter<GuardedEnv<B>>();
  const open = createRouter<PublicEnv<B>>();
  // before the guard, so every /v1 request (open or guarded) has its session and answers its bookmark
  if (options.d1) app.use(`${prefix}/v1/*`, d1Sessions(options.d1));
  const guard = guardOf(prefix, options.guard);
  if (guard.length > 0) v1.use(...guard);
  app.openapi(
    createRoute({
      method: "get",
      path: `${prefix}/health`,
      operationId: "getHealth",
      security: [],
      tags: [options.health?.tag ?? "Health"],
      summary: options.health?.summary ?? "Liveness check (no authentication)",
      responses: { 200: jsonResponse(healthBody, "The Worker is up") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );

  let built = false;
  const build = () => {
    if (built) return app;
    built = true;
    app.route(`${prefix}/v1`, open);
    app.route(`${prefix}/v1`, v1);
    mountDocs(app, {
      prefix,
      title: options.title,
      version: options.version,
      description: options.description,
      finish: (doc: OpenApiDocument) => {
        documentGuardOutage(doc);
        if (options.d1) documentD1Sessions(doc, `${prefix}/v1/`);
      },
    });
    return app;
  };

  const makeDeps = options.deps;
  const deps = (c: Context<GuardedEnv<B>>): D => {
    if (!makeDeps) throw new Error(`${prefix}: defineProduct was given no deps factory`);
    return makeDeps(c);
  };

  // `H & WorkerHandlers<B>` keeps the handlers' parameters typed in context and their own types in the result
  const worker = <H extends WorkerHandlers<B>>(handlers?: H & WorkerHandlers<B>): ProductWorker<B, H> => {
    const built = build();
    const { fetch: before, ...rest } = (handlers ?? {}) as WorkerHandlers<B>;
    // the runtime always passes env and ctx; they are optional only in Hono's signature
    const fetch: ProductWorker<B, H>["fetch"] = before
      ? (request, env, ctx) => before(request, env as B, ctx as ExecutionContext) ?? built.fetch(request, env, ctx)
      : built.fetch;
    return { ...(rest as Omit<H, "fetch">), fetch };
  };

  return { app, v1, open, deps, build, worker };
}
