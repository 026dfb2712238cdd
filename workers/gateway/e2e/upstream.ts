import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

// Local HTTP upstreams for the e2e: real Node servers on loopback ports (allowed as targets only under
// `pnpm dev`, where DEV_MODE=true), which the gateway inside wrangler dev reaches over real TCP. Each one
// echoes the request as JSON and can be made to fail, flap, slow down, go away and come back, so the
// tests steer load balancing, failover, health checks and breakers from outside.

/** What an upstream answers with (its JSON body). */
export interface Echo {
  upstream: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  bodyBytes: number;
  /** This upstream's request count when it answered (1 for the first): a cached answer repeats it. */
  hit: number;
}

/** A running upstream and its controls. */
export interface Upstream {
  name: string;
  /** `http://127.0.0.1:<port>` (the target URL to configure). */
  url: string;
  port: number;
  /** Every request but health checks, in arrival order. */
  seen: Echo[];
  /** Requests to the health-check path. */
  healthChecks: number;
  /** 503 to everything (health checks included) while true. */
  failing: boolean;
  /** Health checks alone answer 503 while true (live traffic still succeeds). */
  healthFailing: boolean;
  /** Alternates 500 / 200 while true (a flapping target). */
  flapping: boolean;
  /** The next N requests answer 500. */
  failNext: number;
  /** Delay before answering, ms. */
  delayMs: number;
  /** Live requests counted so far (health checks excluded). */
  readonly hits: number;
  /** Hits whose path starts with `prefix`. */
  hitsOn(prefix: string): number;
  /** Closes the listening socket and every open connection: connections are refused until `start`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

const HEALTH_PATH = "/health";

/**
 * Starts an upstream on a free loopback port. Per-request controls (headers the test sends, which the gateway
 * forwards): `x-fake-status: 500`, `x-fake-delay-ms: 200`; paths containing `set-cookie` answer with a
 * `Set-Cookie`, paths containing `private` with `Cache-Control: private`, every other answer is
 * `Cache-Control: public, max-age=60` so only the gateway's own rules keep it out of a cache.
 *
 * @example const a = await startUpstream("a"); a.failing = true; …; await a.stop();
 */
export async function startUpstream(name: string): Promise<Upstream> {
  const sockets = new Set<Socket>();
  let flip = false;
  let server: Server;
  const up: Upstream = {
    name,
    url: "",
    port: 0,
    seen: [],
    healthChecks: 0,
    failing: false,
    healthFailing: false,
    flapping: false,
    failNext: 0,
    delayMs: 0,
    get hits() {
      return up.seen.length;
    },
    hitsOn: (prefix) => up.seen.filter((e) => e.path.startsWith(prefix)).length,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        sockets.clear();
      }),
    start: () => listen(up.port),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let bodyBytes = 0;
    for await (const chunk of req) bodyBytes += (chunk as Buffer).length;
    const url = new URL(req.url ?? "/", "http://upstream.local");
    if (url.pathname === HEALTH_PATH) {
      up.healthChecks++;
      res.writeHead(up.failing || up.healthFailing ? 503 : 200, { "content-type": "text/plain" }).end("health");
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : String(v);
    const echo: Echo = {
      upstream: name,
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      bodyBytes,
      hit: up.seen.length + 1,
    };
    up.seen.push(echo);
    const delay = Number(headers["x-fake-delay-ms"] ?? up.delayMs) || 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    let status = Number(headers["x-fake-status"] ?? 200) || 200;
    if (up.failing) status = 503;
    else if (up.failNext > 0) {
      up.failNext--;
      status = 500;
    } else if (up.flapping) {
      flip = !flip;
      if (flip) status = 500;
    }
    const out: Record<string, string> = { "content-type": "application/json", "cache-control": "public, max-age=60" };
    if (url.pathname.includes("set-cookie")) out["set-cookie"] = `session=${echo.hit}; Path=/; HttpOnly`;
    if (url.pathname.includes("private")) out["cache-control"] = "private, max-age=60";
    res.writeHead(status, out).end(JSON.stringify(echo));
  };

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server = createServer((req, res) => {
        handle(req, res).catch(() => res.destroy());
      });
      // longer than any client's idle pool: the upstream never closes a kept-alive connection just as the
      // gateway reuses it (that race is a spurious 502 in any proxy, not what these tests are about)
      server.keepAliveTimeout = 120_000;
      server.headersTimeout = 125_000;
      server.on("connection", (s) => {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        up.port = typeof address === "object" && address ? address.port : port;
        up.url = `http://127.0.0.1:${up.port}`;
        resolve();
      });
    });
  await listen(0);
  return up;
}
