import { beforeAll, describe, expect, it, test } from "vitest";
import { hostileBodies, json, mintToken } from "./index";
import { expectProblem } from "./problem";
import { type BadCredential, coreBadCredentials, type HostileCase, problemCodeFor } from "./security-cases";

/** One authenticated route; `path` and `body` may hold placeholders that `fill` replaces. */
export interface SecurityRoute {
  method: string;
  path: string;
  body?: unknown;
  /** Needs the product's read scope (else its write scope). */
  read: boolean;
}

/** A user and their access token. */
export interface Caller {
  id: string;
  token: string;
}

export interface SecuritySuiteOptions<R extends SecurityRoute> {
  /** The product's API root, e.g. `http://todo.test/todo/v1`. */
  base: string;
  /** `SELF.fetch` (this package does not import `cloudflare:test` eagerly). */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  routes: readonly R[];
  /** Replaces the placeholders in a route's path (and JSON body) with the owner's ids. */
  fill: (text: string) => string;
  /** The owner of everything the placeholders name; read after the file's `beforeAll` ran. */
  owner: () => Caller;
  scopes: { read: string; write: string };
  /** Scopes besides the opposite one that must also be refused, e.g. `""` or `"todo:read todo:write"`. */
  otherScopes?: string[];
  /** The owner's state; taken at the start of each block and compared (`toEqual`) at its end. */
  snapshot: () => Promise<unknown>;
  /** Credentials refused besides {@link coreBadCredentials}. */
  badCredentials?: readonly BadCredential[];
  /** What a 401's WWW-Authenticate must match (RFC 6750 §3). */
  wwwAuthenticate?: RegExp | null;
  hostile: {
    /** Which JSON routes (those with a body) get the hostile bodies; default all. */
    routes?: (route: R) => boolean;
    cases: HostileCase[];
    /** Statuses a 100 000-deep array may earn; default 400 or 422. */
    deepNesting?: number[];
    /** Which JSON routes must answer a missing body with 422; default none. */
    missingBody?: (route: R) => boolean;
  };
  isolation?: {
    title: string;
    /** Routes that name the owner's things and must be 404 for a stranger. */
    routes: (route: R) => boolean;
    /** Default `"%s is 404"`. */
    name?: string;
    stranger: () => Promise<Caller>;
    /** Sends a route as the stranger where a JSON call does not fit (an upload). */
    send?: (route: R, path: string, token: string) => Promise<Response> | undefined;
    /** Name of the closing "owner unchanged" test; none when omitted. */
    untouched?: string;
  };
  /** Product cases registered inside a block, before its "nothing changed" check. */
  extend?: {
    authentication?: () => void;
    scopes?: () => void;
    isolation?: (stranger: () => Caller) => void;
    hostileBodies?: () => void;
  };
}

const label = (r: SecurityRoute) => `${r.method} ${r.path}`;
const table = <R extends SecurityRoute>(routes: readonly R[]) => routes.map((r) => [label(r), r] as const);

/**
 * Registers the security blocks every product shares: bad credentials (401 on every route), unknown
 * paths, scopes (403), stranger isolation (404) and hostile bodies, each ending with a check that the
 * owner's state did not change. Call it at the top level of `test/security.test.ts`, after the
 * `beforeAll` that creates the owner's things.
 *
 * @example
 * defineSecuritySuite({
 *   base: BASE, fetch: (u, i) => SELF.fetch(u, i), routes: ROUTES, fill, owner: () => owner,
 *   scopes: { read: "todo:read", write: "todo:write" }, snapshot: () => listAll(owner.token),
 *   hostile: { cases: [hostile.malformed(), hostile.twoMiB()] },
 * });
 */
export function defineSecuritySuite<R extends SecurityRoute>(o: SecuritySuiteOptions<R>): void {
  const at = (r: R) => o.fill(r.path);
  const bodyOf = (r: R) => (r.body === undefined ? undefined : JSON.parse(o.fill(JSON.stringify(r.body))));
  const call = (method: string, path: string, token?: string, body?: unknown) => o.fetch(`${o.base}${path}`, json(method, body, token));
  const unchangedCheck = () => {
    let before: unknown;
    beforeAll(async () => {
      before = await o.snapshot();
    });
    return async () => expect(await o.snapshot()).toEqual(before);
  };
  const www = o.wwwAuthenticate === undefined ? /^Bearer realm="edgeworks"/ : o.wwwAuthenticate;

  describe("authentication", () => {
    const unchanged = unchangedCheck();
    for (const [what, headers] of [...coreBadCredentials(), ...(o.badCredentials ?? [])]) {
      test.each(table(o.routes))(`${what}: %s is 401`, async (_l, route) => {
        const init = { method: route.method, headers: { ...(await headers(o.owner().id)), "Content-Type": "application/json" } };
        const body = bodyOf(route);
        const res = await o.fetch(`${o.base}${at(route)}`, body ? { ...init, body: JSON.stringify(body) } : init);
        await expectProblem(res, 401, "unauthorized");
        if (www) expect(res.headers.get("WWW-Authenticate")).toMatch(www);
      });
    }

    it(`unknown paths under ${new URL(o.base).pathname} are 401 without credentials and 404 with them`, async () => {
      await expectProblem(await call("GET", "/nothing-here"), 401, "unauthorized");
      await expectProblem(await call("GET", "/nothing-here", o.owner().token), 404, "not_found");
    });
    o.extend?.authentication?.();
    it("no bad credential changed anything", unchanged);
  });

  describe("scopes", () => {
    const unchanged = unchangedCheck();
    test.each(table(o.routes))("%s needs the right scope", async (_l, route) => {
      const [needed, opposite] = route.read ? [o.scopes.read, o.scopes.write] : [o.scopes.write, o.scopes.read];
      for (const scope of [opposite, ...(o.otherScopes ?? [])]) {
        const token = await mintToken({ sub: o.owner().id, scope });
        const body = await expectProblem(await call(route.method, at(route), token, bodyOf(route)), 403, "forbidden");
        expect(body.detail).toBe(`This credential lacks the "${needed}" scope`);
      }
    });
    o.extend?.scopes?.();
    it("no forbidden request changed anything", unchanged);
  });

  if (o.isolation) defineIsolation(o, o.isolation, at, bodyOf, call, unchangedCheck);

  describe("hostile request bodies", () => {
    const unchanged = unchangedCheck();
    const h = o.hostile;
    const jsonRoutes = o.routes.filter((r) => r.body !== undefined && (h.routes?.(r) ?? true));
    const send = (route: R, body: string, contentType = "application/json") =>
      o.fetch(`${o.base}${at(route)}`, {
        method: route.method,
        headers: { Authorization: `Bearer ${o.owner().token}`, "Content-Type": contentType },
        body,
      });
    for (const c of h.cases) {
      test.each(table(jsonRoutes))(`${c.name} to %s is ${c.status}`, async (_l, route) => {
        await expectProblem(await send(route, c.body, c.contentType), c.status, c.code);
      });
    }

    const deep = h.deepNesting ?? [400, 422];
    test.each(table(jsonRoutes))(`deeply nested JSON to %s is a ${deep.join("/")} problem`, async (_l, route) => {
      const res = await send(route, hostileBodies.deeplyNested);
      expect(deep).toContain(res.status);
      await expectProblem(res, res.status, problemCodeFor[res.status] ?? "unexpected_status");
    });

    const missing = h.missingBody;
    if (missing) {
      test.each(table(jsonRoutes.filter(missing)))("a missing body to %s is 422", async (_l, route) => {
        const res = await o.fetch(`${o.base}${at(route)}`, {
          method: route.method,
          headers: { Authorization: `Bearer ${o.owner().token}` },
        });
        await expectProblem(res, 422, "validation_failed");
      });
    }
    o.extend?.hostileBodies?.();
    it("none of the hostile bodies changed anything", unchanged);
  });
}

function defineIsolation<R extends SecurityRoute>(
  o: SecuritySuiteOptions<R>,
  iso: NonNullable<SecuritySuiteOptions<R>["isolation"]>,
  at: (r: R) => string,
  bodyOf: (r: R) => unknown,
  call: (method: string, path: string, token?: string, body?: unknown) => Promise<Response>,
  unchangedCheck: () => () => Promise<void>,
): void {
  describe(iso.title, () => {
    const unchanged = iso.untouched ? unchangedCheck() : undefined;
    let stranger: Caller = { id: "", token: "" };
    beforeAll(async () => {
      stranger = await iso.stranger();
    });
    test.each(table(o.routes.filter(iso.routes)))(iso.name ?? "%s is 404", async (_l, route) => {
      const res = iso.send?.(route, at(route), stranger.token) ?? call(route.method, at(route), stranger.token, bodyOf(route));
      await expectProblem(await res, 404, "not_found");
    });
    o.extend?.isolation?.(() => stranger);
    if (iso.untouched && unchanged) it(iso.untouched, unchanged);
  });
}
