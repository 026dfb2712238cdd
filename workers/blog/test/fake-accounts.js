// A stand-in for workers/accounts in the blog's tests (an auxiliary Worker, see vitest.config.ts):
// the parts of its HTTP API the blog calls (register, login, PATCH /me), its JWKS, the directory
// RPCs and `setPassword` (same rule, proof, results and session handling as accounts'). It signs real ES256
// access tokens (with `sid` and `auth_time`) with the test key, so the blog's real verification runs. A
// changed email is pending until `verifyPending` (accounts: the link in the verification email).
// Users live in memory; ids not registered here follow the shared convention (`<id>@users.test`).
// The directory (`getUsers`) calls every address verified, so follower emails flow in tests that do not
// care, except ids that start with "unverified" and users a test marked with `setEmailVerified(id, false)`.
import { WorkerEntrypoint } from "cloudflare:workers";

const users = new Map(); // email -> { id, email, name, password, pendingEmail, sessions: Map<sid, startedAt ms> }
const unverified = new Set(); // user ids whose address the directory reports as not verified (setEmailVerified)
const origins = new Map(); // path -> origin of the last request to it (the blog passes its public origin)
let lastProof = null; // the proof argument of the last setPassword call
const REAUTH_MS = 5 * 60_000;
const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("=", "")
    .replaceAll("+", "-")
    .replaceAll("/", "_");
const enc = (obj) => b64url(new TextEncoder().encode(JSON.stringify(obj)));
const problem = (status, errors = []) =>
  Response.json(
    { type: "about:blank", title: "error", status, detail: "fake accounts", errors },
    { status, headers: { "Content-Type": "application/problem+json" } },
  );

async function sign(env, sub, sid = "s1", startedAt = Date.now()) {
  const jwk = JSON.parse(env.PRIVATE_JWK);
  const key = await crypto.subtle.importKey(
    "jwk",
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d },
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  const now = Math.floor(Date.now() / 1000);
  const input = `${enc({ alg: "ES256", kid: jwk.kid, typ: "JWT" })}.${enc({ sub, iss: "edgeworks-accounts", aud: "edgeworks", scope: "*", sid, auth_time: Math.floor(startedAt / 1000), iat: now - 1, exp: now + 900, jti: crypto.randomUUID() })}`;
  const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, new TextEncoder().encode(input));
  return `${input}.${b64url(sig)}`;
}

/** A new session of `u`: its `sid` and start are remembered so that `setPassword` can keep, revoke or check it. */
const session = async (env, u) => {
  const sid = `s_${crypto.randomUUID()}`;
  u.sessions.set(sid, Date.now());
  return sessionBody(env, u, sid);
};
const userBody = (u) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  createdAt: new Date().toISOString(),
  emailVerified: false,
  pendingEmail: u.pendingEmail ?? null,
});
const sessionBody = async (env, u, sid) => ({
  user: userBody(u),
  accessToken: await sign(env, u.id, sid, u.sessions.get(sid)),
  refreshToken: "r",
  expiresIn: 900,
});

export default class FakeAccounts extends WorkerEntrypoint {
  async fetch(request) {
    const { pathname, origin } = new URL(request.url);
    origins.set(pathname, origin);
    if (pathname === "/auth/.well-known/jwks.json") return Response.json(JSON.parse(this.env.JWKS));
    const body = request.method === "GET" ? {} : await request.json().catch(() => ({}));
    const email = String(body.email ?? "")
      .trim()
      .toLowerCase();
    if (pathname === "/auth/v1/register" && request.method === "POST") {
      if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(email)) return problem(422, [{ path: "email", message: "Must be an email address" }]);
      if (String(body.password ?? "").length < 8) return problem(422, [{ path: "password", message: "Must be at least 8 characters" }]);
      if (users.has(email)) return problem(409);
      const user = {
        id: `acc_${crypto.randomUUID().slice(0, 12)}`,
        email,
        name: body.name ?? null,
        password: body.password,
        pendingEmail: null,
        sessions: new Map(),
      };
      users.set(email, user);
      return Response.json(await session(this.env, user), { status: 201 });
    }
    if (pathname === "/auth/v1/login" && request.method === "POST") {
      if (email === "limited@example.com") return problem(429);
      const user = users.get(email);
      if (!user || user.password !== body.password) return problem(401);
      return Response.json(await session(this.env, user));
    }
    if (pathname === "/auth/v1/me" && request.method === "PATCH") {
      const token = (request.headers.get("Authorization") ?? "").replace(/^Bearer /, "");
      if (token.startsWith("ewk_")) return problem(403);
      const claims = JSON.parse(atob(token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/")));
      const sub = claims.sub;
      const current = [...users.values()].find((u) => u.id === sub) ?? {
        id: sub,
        email: `${sub}@users.test`,
        name: sub,
        password: "",
        pendingEmail: null,
        sessions: new Map(),
      };
      if (email === current.email) return Response.json({ user: userBody(current) });
      // accounts: the current password, or a login (auth_time) within the last 5 minutes
      const proven =
        body.currentPassword !== undefined
          ? body.currentPassword === current.password
          : typeof claims.auth_time === "number" && Date.now() - claims.auth_time * 1000 <= REAUTH_MS;
      if (!proven) return problem(403);
      if (users.has(email) && users.get(email).id !== sub) return problem(409);
      current.pendingEmail = email;
      if (!users.has(current.email)) users.set(current.email, current);
      return Response.json({ user: userBody(current) });
    }
    return problem(404);
  }

  async verifyApiKey(key) {
    if (key === "ewk_blog_writer_secret") return { userId: "keyuser", scopes: ["blog:read", "blog:write"] };
    if (key === "ewk_blog_reader_secret") return { userId: "keyuser", scopes: ["blog:read"] };
    return null;
  }

  /**
   * Accounts' rule: 8..256 code points, no NUL, valid Unicode; a proof (the current password, or a kept
   * session that started within 5 minutes and no older `proof.authTime`); the caller's session stays,
   * the others end.
   */
  async setPassword(userId, newPassword, keepSessionId, proof) {
    lastProof = proof ?? null;
    if (typeof newPassword !== "string") return { ok: false, reason: "invalid_password", message: "Must be a string" };
    const length = [...newPassword].length;
    if (length < 8) return { ok: false, reason: "invalid_password", message: "Must be at least 8 characters" };
    if (length > 256) return { ok: false, reason: "invalid_password", message: "Must be at most 256 characters" };
    if (newPassword.includes("\0")) return { ok: false, reason: "invalid_password", message: "Must not contain NUL characters" };
    if (!newPassword.isWellFormed()) {
      return { ok: false, reason: "invalid_password", message: "Must be valid Unicode (no lone surrogates)" };
    }
    if (newPassword === "accounts is down") throw new Error("fake outage");
    const user = [...users.values()].find((u) => u.id === userId);
    if (!user) return { ok: false, reason: "not_found", message: "The account does not exist" };
    const keep = keepSessionId ?? undefined;
    if (keep !== undefined && !user.sessions.has(keep)) {
      return { ok: false, reason: "session_revoked", message: "The session has ended; log in again" };
    }
    const startedAt = keep === undefined ? undefined : user.sessions.get(keep);
    const claimed = typeof proof?.authTime === "number" ? proof.authTime * 1000 : startedAt;
    const authTime = startedAt === undefined ? undefined : Math.min(startedAt, claimed ?? startedAt);
    if (proof?.currentPassword !== undefined) {
      if (proof.currentPassword !== user.password)
        return { ok: false, reason: "wrong_password", message: "The current password is incorrect" };
    } else if (authTime === undefined || Date.now() - authTime > REAUTH_MS) {
      return { ok: false, reason: "reauthentication_required", message: "Changing the email or password needs your current password" };
    }
    user.password = newPassword;
    user.sessions = new Map(keep === undefined ? [] : [[keep, startedAt]]);
    return { ok: true };
  }

  /** Test hook (not in accounts): ends one session, as a logout does. */
  async endSession(userId, sessionId) {
    for (const u of users.values()) if (u.id === userId) u.sessions.delete(sessionId);
  }

  /** Test hook: makes a session look as if it had started `ms` ago (accounts reads a session's start from its table). */
  async ageSession(userId, sessionId, ms) {
    for (const u of users.values()) if (u.id === userId && u.sessions.has(sessionId)) u.sessions.set(sessionId, Date.now() - ms);
  }

  /** Test hook (accounts: following the link in the verification email): the pending address becomes the account's. */
  async verifyPending(email) {
    const user = [...users.values()].find((u) => u.pendingEmail === email);
    if (!user) throw new Error(`no account wants ${email}`);
    users.delete(user.email);
    user.email = email;
    user.pendingEmail = null;
    users.set(email, user);
  }

  /** Test hook: the origin of the last request to `path` (links in accounts' emails are built from it). */
  async lastOrigin(path) {
    return origins.get(path) ?? null;
  }

  /** Test hook: the proof argument of the last `setPassword` call. */
  async lastProof() {
    return lastProof;
  }

  /** Test hook: whether the directory reports this user's address as verified (default: verified). */
  async setEmailVerified(userId, verified) {
    if (verified) unverified.delete(userId);
    else unverified.add(userId);
  }

  async getUsers(ids) {
    // a user id starting "accounts-down" stands for an accounts outage while its directory entry is read
    if (ids.some((id) => id.startsWith("accounts-down"))) throw new Error("fake outage");
    const byId = new Map([...users.values()].map((u) => [u.id, u]));
    return [...new Set(ids)]
      .filter((id) => byId.has(id) || /^[A-Za-z0-9_-]{1,64}$/.test(id))
      .map((id) => byId.get(id) ?? { id, email: `${id}@users.test`, name: id })
      .map(({ id, email, name }) => ({ id, email, name, emailVerified: !id.startsWith("unverified") && !unverified.has(id) }));
  }
}
