// D1 read replication through the Sessions API: every request's queries run in one D1 session, started
// from the bookmark the client sends back (`X-D1-Bookmark`) or, without one, anywhere
// ("first-unconstrained": a nearby replica may answer). The session's latest bookmark goes back in the
// response's `X-D1-Bookmark`, so a client that returns it reads its own writes even from a replica.
import { ApiError, type OpenApiDocument, operationsOf } from "@edgeworks/http";
import type { Context, MiddlewareHandler } from "hono";

/** The request and response header that carries a D1 bookmark. */
export const D1_BOOKMARK_HEADER = "X-D1-Bookmark";

/**
 * A bookmark as D1 makes them (`00000000-00000001-00000000-` + 32 hex digits, lexicographically ordered),
 * or one of the two session constraints. Checked before use: D1 fails a query on a malformed bookmark
 * (a 500), and the local D1 would even take any text as a bookmark.
 */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const CONSTRAINTS: ReadonlySet<string> = new Set<D1SessionConstraint>(["first-primary", "first-unconstrained"]);
const MAX_BOOKMARK = 64;

/** Whether `value` can start a D1 session: a bookmark D1 issued (by its shape) or a session constraint. */
export const isD1SessionStart = (value: string): boolean =>
  value.length <= MAX_BOOKMARK && (BOOKMARK.test(value) || CONSTRAINTS.has(value));

/**
 * A `D1Database` whose queries run in one D1 session, for code that takes a database (drizzle's d1
 * driver, which uses `prepare` and `batch` only, accepts `D1Database` and not a `D1DatabaseSession`).
 * `exec` (multi-statement SQL, which sessions do not have), `withSession` and `dump` go to the database
 * itself.
 */
export class SessionDatabase implements D1Database {
  constructor(
    /** The session every `prepare` and `batch` runs in. */
    readonly session: D1DatabaseSession,
    private readonly database: D1Database,
  ) {}

  prepare(query: string): D1PreparedStatement {
    return this.session.prepare(query);
  }

  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    return this.session.batch<T>(statements);
  }

  exec(query: string): Promise<D1ExecResult> {
    return this.database.exec(query);
  }

  withSession(constraintOrBookmark?: D1SessionBookmark | D1SessionConstraint): D1DatabaseSession {
    return this.database.withSession(constraintOrBookmark);
  }

  dump(): Promise<ArrayBuffer> {
    return this.database.dump();
  }
}

// One session per request, found from any handler or deps factory by its request.
const sessions = new WeakMap<Request, SessionDatabase>();

/**
 * Middleware: starts the request's D1 session (from a valid `X-D1-Bookmark`, else "first-unconstrained")
 * and, after the handler, answers the session's latest bookmark in `X-D1-Bookmark`. A header that is not
 * a bookmark (or a constraint) is a 400 problem before anything runs. Handlers get the session's database
 * with {@link sessionDatabase}. `defineProduct({ d1 })` installs it on `<prefix>/v1/*`.
 *
 * @example app.use("/notes/v1/*", d1Sessions((env: Env) => env.DB));
 */
export function d1Sessions<B extends object>(database: (env: B) => D1Database): MiddlewareHandler<{ Bindings: B }> {
  return async function d1Session(c, next) {
    const sent = c.req.header(D1_BOOKMARK_HEADER);
    if (sent !== undefined && !isD1SessionStart(sent)) {
      throw new ApiError(
        "bad_request",
        `${D1_BOOKMARK_HEADER} must be a bookmark from an earlier response's ${D1_BOOKMARK_HEADER} (or first-primary, first-unconstrained)`,
      );
    }
    const db = database(c.env);
    const session = db.withSession(sent ?? "first-unconstrained");
    sessions.set(c.req.raw, new SessionDatabase(session, db));
    try {
      await next();
    } finally {
      sessions.delete(c.req.raw);
    }
    const bookmark = session.getBookmark();
    if (bookmark === null) return;
    try {
      c.res.headers.set(D1_BOOKMARK_HEADER, bookmark);
    } catch {
      // immutable headers (Response.redirect, a fetched response): answer a copy
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set(D1_BOOKMARK_HEADER, bookmark);
    }
  };
}

/**
 * The request's session database (see {@link d1Sessions}); pass it to `drizzle()`. Throws when the
 * middleware did not run for this request: a programming error, never silently the primary database.
 *
 * @example deps: (c) => ({ db: drizzle(sessionDatabase(c)), userId: c.var.auth.userId, now: Date.now })
 */
export function sessionDatabase(c: Pick<Context, "req">): SessionDatabase {
  const db = sessions.get(c.req.raw);
  if (!db) throw new Error("sessionDatabase: no D1 session for this request (d1Sessions did not run for it)");
  return db;
}

const problem400 = {
  description: `Malformed request: the \`${D1_BOOKMARK_HEADER}\` header is not a D1 bookmark or session constraint (or the JSON body is malformed)`,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
};

/**
 * Documents what {@link d1Sessions} adds to every operation under `pathPrefix`: the optional `X-D1-Bookmark`
 * request header, the 400 it answers for a malformed one, and the `X-D1-Bookmark` header of every 2XX answer.
 */
export function documentD1Sessions(doc: OpenApiDocument, pathPrefix: string): void {
  const parameter = {
    in: "header",
    name: D1_BOOKMARK_HEADER,
    required: false,
    description:
      "The bookmark of a previous answer (its `X-D1-Bookmark`), so this request reads at least that state even from a " +
      "read replica; or `first-primary` / `first-unconstrained`.",
    schema: { type: "string", maxLength: MAX_BOOKMARK, examples: ["first-primary"] },
  };
  const responseHeader = {
    description: "The D1 session's bookmark after this request: send it back to read your own writes",
    schema: { type: "string" },
  };
  for (const [path, op] of operationsOf(doc)) {
    if (!path.startsWith(pathPrefix)) continue;
    op.parameters ??= [];
    const params = op.parameters as { in?: string; name?: string }[];
    if (!params.some((p) => p.in === "header" && p.name?.toLowerCase() === D1_BOOKMARK_HEADER.toLowerCase())) params.push(parameter);
    op.responses ??= {};
    const responses = op.responses;
    responses["400"] ??= problem400;
    for (const [status, response] of Object.entries(responses)) {
      if (!status.startsWith("2") || !response || typeof response !== "object" || "$ref" in response) continue;
      const r = response as { headers?: Record<string, unknown> };
      r.headers = { ...r.headers, [D1_BOOKMARK_HEADER]: responseHeader };
    }
  }
}
