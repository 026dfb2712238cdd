// A stand-in for the accounts Worker in products' tests (an auxiliary Worker: see fakeAccountsWorker in
// node.ts): serves the test JWKS, so the real token verification path runs, and answers the
// `verifyApiKey` RPC for a product's fixed test keys (`valid`, plus `broken` and `malformed` ones),
// answering each valid key's owner, scopes and roles (`roles` of the entry, default none).
// Its user directory is a convention: every id is a user, and `<id>@users.test` is that user's email
// (so a test that mints a token for "alice" shares with "alice@users.test"); other emails are unknown.
// Every address is verified (`emailVerified: true`) except those of ids that start with "unverified"
// (e.g. newTestUser("*", "unverified_")): a user who registered an address they never proved.
import { WorkerEntrypoint } from "cloudflare:workers";

/** The directory entry of a conventional id. */
const directoryUser = (id) => ({ id, email: `${id}@users.test`, name: id, emailVerified: !id.startsWith("unverified") });

export default class FakeAccounts extends WorkerEntrypoint {
  async fetch(request) {
    if (new URL(request.url).pathname === "/auth/.well-known/jwks.json") return Response.json(JSON.parse(this.env.JWKS));
    return new Response("not found", { status: 404 });
  }

  // Like accounts: `{userId, scopes, roles}`, the roles being the owner's platform roles (a key's
  // `roles` in the test config, else none), so a product's `requireRole` sees API keys as it will in production.
  async verifyApiKey(key) {
    const keys = JSON.parse(this.env.API_KEYS);
    if (key === keys.broken) throw new Error("accounts is having a bad day");
    if (key === keys.malformed) return { user: "x" };
    const found = keys.valid[key];
    return found ? { ...found, roles: found.roles ?? [] } : null;
  }

  async findUserByEmail(email) {
    const match = /^([A-Za-z0-9_-]{1,64})@users\.test$/.exec(String(email).trim().toLowerCase());
    return match ? directoryUser(match[1]) : null;
  }

  async getUsers(ids) {
    return [...new Set(ids)].filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id)).map(directoryUser);
  }
}
