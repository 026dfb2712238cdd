import { describe, expect, it } from "vitest";
import { createTestClient, type TestFetch } from "./client";
import { type ErrorDocRules, findUndocumentedErrors, type OpenApiDocument } from "./openapi-errors";
import { checkSchemaDrift } from "./schema-drift";
import { defineSecuritySuite, type SecurityRoute, type SecuritySuiteOptions } from "./security-suite";

/** The Worker handlers an entry module may export on its default export. */
const HANDLERS = ["fetch", "queue", "scheduled", "email", "tail"] as const;
export type WorkerHandler = (typeof HANDLERS)[number];

/** The security suite's options; base, fetch and scopes default to the product's. */
export type ConformanceSecurity<R extends SecurityRoute> = Omit<SecuritySuiteOptions<R>, "base" | "fetch" | "scopes"> &
  Partial<Pick<SecuritySuiteOptions<R>, "base" | "fetch" | "scopes">> & {
    /** Paths (under the API root) that smuggle `..`, NUL or over-long ids; each must be a 404 or 422 problem for the owner. */
    pathTricks?: string[];
  };

export interface ConformanceOptions<R extends SecurityRoute = SecurityRoute> {
  /** The product's name: the suite's title and, by default, its scopes `<name>:read` and `<name>:write`. */
  name: string;
  /** Where the tests send requests, e.g. `http://todo.test`. */
  origin: string;
  /** The product's path prefix on the front door, e.g. `/todo` (health at `/todo/health`, API at `/todo/v1`). */
  prefix: string;
  /** The entry module, `import * as worker from "../src/index"`. */
  worker: Record<string, unknown>;
  /** The handlers the default export must have, no more and no fewer; default `["fetch"]`. */
  handlers?: readonly WorkerHandler[];
  /** The Durable Object classes wrangler.toml names (`class_name`), each exported by the entry module. */
  durableObjects?: readonly string[];
  /**
   * Rules for the OpenAPI error-documentation check ({@link findUndocumentedErrors}); `false` skips it.
   * `knownGaps` lists today's gaps word for word: the check fails when one is fixed (remove it) or a new one appears.
   */
  openapi?: (ErrorDocRules & { knownGaps?: string[] }) | false;
  /** The product's security table and hooks; registers {@link defineSecuritySuite} under the API root. */
  security?: ConformanceSecurity<R>;
  /** The drizzle schema module (`import * as schema from "../src/schema"`), checked against the migrated database. */
  schema?: Record<string, unknown>;
  /** The migrated database `schema` is compared with; default `env.DB`. */
  database?: () => D1Database;
  /** Default `SELF.fetch`. */
  fetch?: TestFetch;
}

/** The default export's handler `name`: on the object, or on the prototype of a `WorkerEntrypoint` class. */
function handlerOf(entry: unknown, name: string): unknown {
  if (typeof entry === "function") return (entry.prototype as Record<string, unknown> | undefined)?.[name];
  return entry && typeof entry === "object" ? (entry as Record<string, unknown>)[name] : undefined;
}

/**
 * The checks every product passes, registered at the top level of `test/conformance.test.ts`: health
 * without auth, the entry module's handlers and Durable Object classes, error responses documented for
 * every OpenAPI operation, the shared security suite (when `security` is given) and schema drift (when
 * `schema` is given).
 *
 * @example
 * import * as worker from "../src/index";
 * import * as schema from "../src/schema";
 * describeConformance({ name: "todo", origin: "http://todo.test", prefix: "/todo", worker, durableObjects: ["RateLimiter"], schema });
 */
export function describeConformance<R extends SecurityRoute>(o: ConformanceOptions<R>): void {
  const site = createTestClient(o.origin, o.fetch ? { fetch: o.fetch } : {});

  describe(`${o.name} conformance`, () => {
    it(`GET ${o.prefix}/health is 200 {status:"ok"} without credentials`, async () => {
      const res = await site.call("GET", `${o.prefix}/health`);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(await site.ok(res)).toEqual({ status: "ok" });
    });

    it(`the default export handles ${(o.handlers ?? ["fetch"]).join(", ")} and nothing else`, () => {
      const present = HANDLERS.filter((h) => typeof handlerOf(o.worker.default, h) === "function");
      expect(present).toEqual(HANDLERS.filter((h) => (o.handlers ?? ["fetch"]).includes(h)));
    });

    if (o.durableObjects?.length) {
      it.each([...o.durableObjects])("exports the Durable Object class %s", async (name) => {
        const { DurableObject } = await import("cloudflare:workers");
        const cls = o.worker[name];
        expect(typeof cls, `${name} is not exported`).toBe("function");
        expect((cls as { prototype: unknown }).prototype).toBeInstanceOf(DurableObject);
      });
    }

    if (o.openapi !== false) {
      it(`every operation of ${o.prefix}/openapi.json documents its error responses`, async () => {
        const doc = await site.ok<OpenApiDocument>(site.call("GET", `${o.prefix}/openapi.json`));
        expect(Object.keys(doc.paths).length).toBeGreaterThan(1);
        const rules = o.openapi || {};
        expect(findUndocumentedErrors(doc, rules)).toEqual(rules.knownGaps ?? []);
      });
    }

    const schema = o.schema;
    if (schema) {
      it("src/schema.ts matches the migrated database (tables, columns, indexes)", async () => {
        const db = o.database?.() ?? ((await import("cloudflare:test")).env as { DB: D1Database }).DB;
        expect(await checkSchemaDrift(db, schema)).toEqual([]);
      });
    }
  });

  if (o.security) describe(`${o.name} security`, () => defineProductSecurity(o, o.security as ConformanceSecurity<R>));
}

function defineProductSecurity<R extends SecurityRoute>(o: ConformanceOptions<R>, s: ConformanceSecurity<R>): void {
  const { pathTricks, ...options } = s;
  const base = s.base ?? `${o.origin}${o.prefix}/v1`;
  const api = createTestClient(base, o.fetch ? { fetch: o.fetch } : {});
  const hostileBodies = options.extend?.hostileBodies;
  defineSecuritySuite<R>({
    ...options,
    base,
    fetch: s.fetch ?? api.fetch,
    scopes: s.scopes ?? { read: `${o.name}:read`, write: `${o.name}:write` },
    extend: {
      ...options.extend,
      hostileBodies: () => {
        if (pathTricks?.length) {
          it.each(pathTricks)("the path %s is a 404 or 422 problem", async (path) => {
            const res = await api.call("GET", path, s.owner().token);
            expect([404, 422]).toContain(res.status);
            expect(res.headers.get("Content-Type")).toBe("application/problem+json");
          });
        }
        hostileBodies?.();
      },
    },
  });
}
