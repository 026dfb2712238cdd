// A stand-in for the accounts Worker in products' tests (an auxiliary Worker: see fakeAccountsWorker in
// node.ts): serves the test JWKS, so the real token verification path runs, and answers the
// `verifyApiKey` RPC for a product's fixed test keys (`valid`, plus `broken` and `malformed` ones).
import { WorkerEntrypoint } from "cloudflare:workers";

export default class FakeAccounts extends WorkerEntrypoint {
  async fetch(request) {
    if (new URL(request.url).pathname === "/auth/.well-known/jwks.json") return Response.json(JSON.parse(this.env.JWKS));
    return new Response("not found", { status: 404 });
  }

  async verifyApiKey(key) {
    const keys = JSON.parse(this.env.API_KEYS);
    if (key === keys.broken) throw new Error("accounts is having a bad day");
    if (key === keys.malformed) return { user: "x" };
    return keys.valid[key] ?? null;
  }
}
