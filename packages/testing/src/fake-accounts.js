// A stand-in for the accounts Worker in products' tests (an auxiliary Worker: see fakeAccountsWorker in
// node.ts): serves the test JWKS, so the real token verification path runs, and answers the
// `verifyApiKey` RPC for a product's fixed test keys (`valid`, plus `broken` and `malformed` ones).
// Its user directory is a convention: every id is a user, and `<id>@users.test` is that user's email
// (so a test that mints a token for "alice" shares with "alice@users.test"); other emails are unknown.
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

  async findUserByEmail(email) {
    const match = /^([A-Za-z0-9_-]{1,64})@users\.test$/.exec(String(email).trim().toLowerCase());
    return match ? { id: match[1], email: `${match[1]}@users.test`, name: match[1] } : null;
  }

  async getUsers(ids) {
    return [...new Set(ids)].filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id)).map((id) => ({ id, email: `${id}@users.test`, name: id }));
  }
}
