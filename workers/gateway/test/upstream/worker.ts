// The fake upstream of the gateway's tests: one script run as three auxiliary Workers (UPSTREAM_A/B/C, var NAME
// "A"/"B"/"C"; see vitest.config.ts). It echoes what it received as JSON and obeys controls, so a test can make
// a target slow, failing or flapping without a network. Transpiled (types stripped) by packages/testing: it
// imports nothing.
//
// Per-request controls (header, or query parameter of the same name without `x-`, so a health-check path can
// carry them): `x-fake-status` (answer this status), `x-fake-delay-ms` (wait before the headers), `x-fake-chunks`
// + `x-fake-chunk-delay-ms` (a slow body: that many chunks with that gap), `x-fake-throw` (throw: the caller sees a
// failed fetch), `x-fake-headers` (JSON object of response headers to add).
//
// Stateful controls, per scope (`x-fake-scope` header or `fake-scope` query parameter; "default" otherwise), so
// test files running side by side do not disturb each other: `POST /__control` with JSON
// `{ scope?, reset?, failNext?, failStatus?, flap?, delayMs?, throw? }`:
// - failNext: the next N requests answer `failStatus` (default 503) or throw when `throw` is true;
// - flap: a cycle of statuses (e.g. [503, 200]) answered in turn (0 = throw), after failNext is used up;
// - delayMs: every request of the scope waits this long before answering.
// `GET /__control?fake-scope=s` answers the scope's state: `{ hits, methods }` (requests seen, control calls excluded).

interface Scope {
  hits: number;
  methods: string[];
  failNext: number;
  failStatus: number;
  failThrows: boolean;
  flap: number[];
  flapAt: number;
  delayMs: number;
}

interface UpstreamEnv {
  NAME: string;
}

const scopes = new Map<string, Scope>();

function scopeOf(name: string): Scope {
  let scope = scopes.get(name);
  if (!scope) {
    scope = { hits: 0, methods: [], failNext: 0, failStatus: 503, failThrows: false, flap: [], flapAt: 0, delayMs: 0 };
    scopes.set(name, scope);
  }
  return scope;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A control given as a header or as the query parameter without its `x-` prefix. */
function control(request: Request, url: URL, name: string): string | null {
  return request.headers.get(name) ?? url.searchParams.get(name.slice(2));
}

async function configure(request: Request, url: URL, env: UpstreamEnv): Promise<Response> {
  if (request.method === "GET") {
    const scope = scopeOf(url.searchParams.get("fake-scope") ?? "default");
    return Response.json({ name: env.NAME, hits: scope.hits, methods: scope.methods });
  }
  const body = (await request.json()) as Record<string, unknown>;
  const name = typeof body.scope === "string" ? body.scope : "default";
  if (body.reset) scopes.delete(name);
  const scope = scopeOf(name);
  if (typeof body.failNext === "number") scope.failNext = body.failNext;
  if (typeof body.failStatus === "number") scope.failStatus = body.failStatus;
  if (typeof body.throw === "boolean") scope.failThrows = body.throw;
  if (Array.isArray(body.flap)) {
    scope.flap = body.flap.map(Number);
    scope.flapAt = 0;
  }
  if (typeof body.delayMs === "number") scope.delayMs = body.delayMs;
  return Response.json({ name: env.NAME, ok: true });
}

/** The status a stateful scope imposes on this request: null (answer normally), 0 (throw) or a status. */
function imposed(scope: Scope): number | null {
  if (scope.failNext > 0) {
    scope.failNext--;
    return scope.failThrows ? 0 : scope.failStatus;
  }
  if (scope.flap.length > 0) {
    const status = scope.flap[scope.flapAt % scope.flap.length] as number;
    scope.flapAt++;
    return status;
  }
  return null;
}

function slowBody(text: string, chunks: number, gapMs: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent > 0) await sleep(gapMs);
      controller.enqueue(encoder.encode(sent === 0 ? text : `\n${sent}`));
      sent++;
      if (sent >= chunks) controller.close();
    },
  });
}

export default {
  async fetch(request: Request, env: UpstreamEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/__control") return configure(request, url, env);
    const scope = scopeOf(control(request, url, "x-fake-scope") ?? "default");
    scope.hits++;
    scope.methods.push(request.method);
    const body = await request.text();
    const delay = Number(control(request, url, "x-fake-delay-ms") ?? scope.delayMs);
    if (delay > 0) await sleep(delay);
    const forced = imposed(scope);
    if (forced === 0 || control(request, url, "x-fake-throw")) throw new Error(`upstream ${env.NAME} failed on purpose`);
    const status = forced ?? Number(control(request, url, "x-fake-status") ?? 200);
    const echo = JSON.stringify({
      name: env.NAME,
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(request.headers),
      body,
    });
    const headers = new Headers({ "Content-Type": "application/json", "X-Upstream": env.NAME });
    const extra = control(request, url, "x-fake-headers");
    if (extra) for (const [k, v] of Object.entries(JSON.parse(extra) as Record<string, string>)) headers.set(k, v);
    const chunks = Number(control(request, url, "x-fake-chunks") ?? 0);
    const nullBody = status === 204 || status === 304 || request.method === "HEAD";
    if (nullBody) return new Response(null, { status, headers });
    if (chunks > 1)
      return new Response(slowBody(echo, chunks, Number(control(request, url, "x-fake-chunk-delay-ms") ?? 0)), { status, headers });
    return new Response(echo, { status, headers });
  },
};
