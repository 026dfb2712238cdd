// A stand-in for the accounts Worker (an auxiliary Worker in vitest.config.ts): serves the test JWKS
// for token verification and answers the `verifyApiKey` RPC for a few fixed keys.
import { WorkerEntrypoint } from "cloudflare:workers";

export default class FakeAccounts extends WorkerEntrypoint {
  async fetch(request) {
    if (new URL(request.url).pathname === "/auth/.well-known/jwks.json") return Response.json(JSON.parse(this.env.JWKS));
    return new Response("not found", { status: 404 });
  }

  async verifyApiKey(key) {
    const keys = JSON.parse(this.env.API_KEYS);
    if (key === keys.broken) throw new Error("accounts is having a bad day");
    return keys.valid[key] ?? null;
  }
}
