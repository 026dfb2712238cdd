import { env } from "cloudflare:test";
import { ApiError } from "@edgeworks/http";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { Db, SessionDeps } from "../src/deps";
import { verifyEmail } from "../src/email-verification.service";
import { loadSigningKeys } from "../src/keys";
import { resetPassword } from "../src/passwords.service";
import { refresh } from "../src/sessions.service";
import { call, login, outbox, register, waitForMail } from "./helpers";

/**
 * A database whose `batch` waits until `n` callers have reached it: every caller has done its reads
 * before any write runs, the worst interleaving. If a check before the write decided the race, the
 * gate would never open and the test would time out; so these tests prove that the conditional
 * UPDATE (checked by its affected-row count) is what makes each operation single-use.
 */
function gatedDb(n: number): Db {
  const db = drizzle(env.DB);
  let arrived = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "batch") return Reflect.get(target, prop, receiver);
      return async (queries: Parameters<Db["batch"]>[0]) => {
        if (++arrived >= n) open();
        await gate;
        return target.batch(queries);
      };
    },
  });
}

async function depsWith(db: Db): Promise<SessionDeps> {
  const keys = await loadSigningKeys(env.JWT_PRIVATE_KEYS);
  return {
    db,
    now: Date.now,
    defer: () => undefined,
    passwordIterations: 100_000,
    tokens: { keys, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
  };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (err: unknown) => (err instanceof ApiError ? err.status : err),
  );

describe("races decided by one conditional UPDATE", () => {
  it("refresh: of two rotations that both read the token as unused, exactly one wins", async () => {
    const alice = await register();
    const deps = await depsWith(gatedDb(2));
    const results = await Promise.all([outcome(refresh(deps, alice.refreshToken)), outcome(refresh(deps, alice.refreshToken))]);
    expect(results.sort()).toEqual([401, "ok"]);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM refresh_tokens WHERE session_id = ?").bind(alice.sessionId).first();
    expect(rows).toEqual({ n: 2 });
  });

  it("refresh: a logout that lands between the read and the rotation wins; no new token comes out", async () => {
    const alice = await register();
    const db = drizzle(env.DB);
    const interleaved = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== "batch") return Reflect.get(target, prop, receiver);
        return async (queries: Parameters<Db["batch"]>[0]) => {
          await env.DB.prepare("UPDATE sessions SET revoked_at = ? WHERE id = ?").bind(Date.now(), alice.sessionId).run();
          return target.batch(queries);
        };
      },
    });
    expect(await outcome(refresh(await depsWith(interleaved), alice.refreshToken))).toBe(401);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM refresh_tokens WHERE session_id = ?").bind(alice.sessionId).first();
    expect(rows).toEqual({ n: 1 });
  });

  it("password reset: of two uses of one token that both found it valid, exactly one sets its password", async () => {
    const alice = await register();
    await call("POST", "/password/forgot", undefined, { email: alice.user.email });
    const token = (await waitForMail(alice.user.email, "password_reset")).payload.token as string;
    const deps = await depsWith(gatedDb(2));
    const results = await Promise.all([
      outcome(resetPassword(deps, { token, newPassword: "first new password" })),
      outcome(resetPassword(deps, { token, newPassword: "second new password" })),
    ]);
    expect([...results].sort()).toEqual([400, "ok"]);
    const winner = results[0] === "ok" ? "first new password" : "second new password";
    const loser = results[0] === "ok" ? "second new password" : "first new password";
    await login(alice.user.email, winner);
    expect((await call("POST", "/login", undefined, { email: alice.user.email, password: loser })).status).toBe(401);
  });

  it("email verification: a token verifies once even when two requests both found it valid", async () => {
    const alice = await register();
    const token = (await outbox(alice.user.email))[0]?.payload.token as string;
    const deps = await depsWith(gatedDb(2));
    const results = await Promise.all([outcome(verifyEmail(deps, token)), outcome(verifyEmail(deps, token))]);
    expect(results.sort()).toEqual([400, "ok"]);
    const used = await env.DB.prepare("SELECT count(*) AS n FROM one_time_tokens WHERE user_id = ? AND used_at IS NOT NULL")
      .bind(alice.user.id)
      .first();
    expect(used).toEqual({ n: 1 });
  });
});
