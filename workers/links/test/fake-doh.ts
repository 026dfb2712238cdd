// A local stand-in for Cloudflare's DNS-over-HTTPS JSON API (https://cloudflare-dns.com/dns-query),
// installed at the HTTP boundary: the Worker's outbound fetch to that host is answered here in the
// real application/dns-json format; every other outbound request goes to the real fetch.
import { vi } from "vitest";

/** The address every name without its own records resolves to (public: example.com's). */
export const DEFAULT_A = "93.184.215.14";

export interface ZoneEntry {
  A?: string[];
  AAAA?: string[];
  /** CNAME target answered before the addresses (as resolvers do). */
  CNAME?: string;
  TTL?: number;
  /** NXDOMAIN. */
  missing?: boolean;
}

export interface FakeDoh {
  /** Records by lower-case name without the trailing dot; other names get {@link DEFAULT_A}. */
  zone: Map<string, ZoneEntry>;
  /** "answer" (default), "servfail" (Status 2), "http500", or "hang" (never answers; aborts with the caller's signal). */
  mode: "answer" | "servfail" | "http500" | "hang";
  /** Every query received, as `name/TYPE`. */
  queries: string[];
}

const TYPES: Record<string, number> = { A: 1, AAAA: 28, CNAME: 5 };
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/dns-json" } });

function answer(doh: FakeDoh, url: URL): Response {
  const name = (url.searchParams.get("name") ?? "").toLowerCase().replace(/\.$/, "");
  const type = url.searchParams.get("type") ?? "A";
  if (!name || !(type in TYPES)) return json({ Status: 1, Comment: "bad query" }, 400);
  doh.queries.push(`${name}/${type}`);
  const entry = doh.zone.get(name) ?? { A: [DEFAULT_A] };
  const question = [{ name: `${name}.`, type: TYPES[type] }];
  const header = { TC: false, RD: true, RA: true, AD: false, CD: false, Question: question };
  if (entry.missing)
    return json({ Status: 3, ...header, Authority: [{ name: "example.", type: 6, TTL: 900, data: "ns. host. 1 2 3 4 900" }] });
  const ttl = entry.TTL ?? 300;
  const records: { name: string; type: number; TTL: number; data: string }[] = [];
  let owner = `${name}.`;
  if (entry.CNAME) {
    records.push({ name: owner, type: 5, TTL: ttl, data: `${entry.CNAME}.` });
    owner = `${entry.CNAME}.`;
  }
  for (const data of (type === "A" ? entry.A : entry.AAAA) ?? [])
    records.push({ name: owner, type: TYPES[type] as number, TTL: ttl, data });
  return json(records.length ? { Status: 0, ...header, Answer: records } : { Status: 0, ...header });
}

/** Replaces `fetch` for cloudflare-dns.com with the fake; returns its state for the tests to steer and inspect. */
export function installFakeDoh(): FakeDoh {
  const doh: FakeDoh = { zone: new Map(), mode: "answer", queries: [] };
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.hostname !== "cloudflare-dns.com") return realFetch(request);
    if (url.pathname !== "/dns-query" || request.method !== "GET") return json({ Status: 1 }, 404);
    if (request.headers.get("accept") !== "application/dns-json") return new Response("Unsupported Media Type", { status: 415 });
    if (doh.mode === "http500") return new Response("oops", { status: 500 });
    if (doh.mode === "servfail") return json({ Status: 2, TC: false, RD: true, RA: true, AD: false, CD: false, Question: [] });
    if (doh.mode === "hang") {
      return new Promise<Response>((_, reject) => {
        if (request.signal.aborted) reject(request.signal.reason);
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
      });
    }
    return answer(doh, url);
  });
  return doh;
}

/** The project's one fake, installed by test/setup-doh.ts before each test file. */
export const fakeDoh: FakeDoh = installFakeDoh();
