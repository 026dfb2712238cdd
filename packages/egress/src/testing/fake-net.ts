// A fake network for tests of code that uses safeFetch: Cloudflare's DNS-over-HTTPS JSON API answered
// from a zone, and upstream hosts answered by handlers, in the real wire formats. Install its `fetch`
// at the runtime's boundary (`vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch)`) so the
// production code path (global fetch, redirect: "manual", abort signals) runs unchanged. Nothing
// leaves the machine: a host without a handler fails like a connection that cannot be made.

/** The address names without their own records resolve to (public: example.com's). */
export const PUBLIC_A = "93.184.215.14";

export interface ZoneEntry {
  A?: string[];
  AAAA?: string[];
  /** NXDOMAIN. */
  missing?: boolean;
}

/** What an upstream received, read before its handler ran. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type Upstream = (request: Request, seen: SeenRequest) => Response | Promise<Response>;

export interface FakeNet {
  /** DNS records by lower-case name; others answer {@link PUBLIC_A}. */
  zone: Map<string, ZoneEntry>;
  /** "answer" (default), "servfail", or "hang" (never answers; aborts with the caller's signal). */
  dohMode: "answer" | "servfail" | "hang";
  /** Upstream handlers by `host` (hostname[:port] as in the URL, lower-case). */
  upstreams: Map<string, Upstream>;
  /** Every DoH question, as `name/TYPE`. */
  queries: string[];
  /** Every request that reached an upstream (or an unknown host), in order. */
  requests: SeenRequest[];
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/dns-json" } });
const TYPES: Record<string, number> = { A: 1, AAAA: 28 };

/** Rejects with the signal's reason when it aborts; never resolves otherwise. */
export function hang(signal: AbortSignal): Promise<Response> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason));
  });
}

function answerDoh(net: FakeNet, request: Request): Response | Promise<Response> {
  const url = new URL(request.url);
  if (net.dohMode === "hang") return hang(request.signal);
  if (net.dohMode === "servfail") return json({ Status: 2 });
  const name = (url.searchParams.get("name") ?? "").toLowerCase().replace(/\.$/, "");
  const type = url.searchParams.get("type") ?? "A";
  net.queries.push(`${name}/${type}`);
  const entry = net.zone.get(name) ?? { A: [PUBLIC_A] };
  if (entry.missing) return json({ Status: 3 });
  const data = (type === "A" ? entry.A : entry.AAAA) ?? [];
  return json({ Status: 0, Answer: data.map((d) => ({ name: `${name}.`, type: TYPES[type], TTL: 300, data: d })) });
}

/**
 * A fresh fake network.
 *
 * @example
 * const net = createFakeNet();
 * net.upstreams.set("hooks.example.com", () => new Response("ok"));
 * vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
 */
export function createFakeNet(): FakeNet {
  const net: FakeNet = {
    zone: new Map(),
    dohMode: "answer",
    upstreams: new Map(),
    queries: [],
    requests: [],
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      if (url.host === "cloudflare-dns.com" && url.pathname === "/dns-query") return answerDoh(net, request);
      const seen: SeenRequest = {
        method: request.method,
        url: request.url,
        headers: Object.fromEntries(request.headers),
        body: await request.clone().text(),
      };
      net.requests.push(seen);
      const upstream = net.upstreams.get(url.host.toLowerCase());
      if (!upstream) throw new TypeError("Network connection lost.");
      return upstream(request, seen);
    },
  };
  return net;
}
