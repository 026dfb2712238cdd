import { ApiError } from "@edgeworks/http";
import { describe, expect, it } from "vitest";
import { accountsDirectory, DIRECTORY_BATCH } from "../src";

/** A stand-in ACCOUNTS binding: `getUsers` knows every id (like accounts, at most 100 per call) and records each call. */
function fakeAccounts(options: { fail?: boolean; answer?: unknown } = {}) {
  const calls: string[][] = [];
  const rpc = {
    async findUserByEmail(email: string) {
      if (options.fail) throw new Error("accounts is down");
      return email === "bob@example.com" ? { id: "bob", email, name: 7, emailVerified: true } : null;
    },
    async getUsers(ids: string[]) {
      calls.push(ids);
      if (options.fail) throw new Error("accounts is down");
      if (options.answer !== undefined) return options.answer;
      return ids.slice(0, 100).map((id) => ({ id, email: `${id}@example.com`, name: id, emailVerified: true }));
    },
  };
  return { env: { ACCOUNTS: rpc as unknown as Fetcher, LOG_LEVEL: "silent" }, calls };
}

/** What `fn` rejected with, as the problem a client would see. */
async function problemOf(fn: () => Promise<unknown>) {
  const err = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  const apiError = err as ApiError;
  return { status: apiError.status, headers: apiError.headers, problem: apiError.toProblem() };
}

describe("accountsDirectory", () => {
  it("an accounts outage is a 503 problem with Retry-After, for both lookups", async () => {
    const { env } = fakeAccounts({ fail: true });
    for (const lookup of [() => accountsDirectory(env).getUsers(["a"]), () => accountsDirectory(env).findUserByEmail("bob@example.com")]) {
      const { status, headers, problem } = await problemOf(lookup);
      expect(status).toBe(503);
      expect(headers).toEqual({ "Retry-After": "5" });
      expect(problem).toMatchObject({
        code: "service_unavailable",
        status: 503,
        detail: "The user directory is unavailable; try again shortly",
      });
    }
  });

  it("an answer that is not a list is treated as an outage, not as 'nobody'", async () => {
    const { env } = fakeAccounts({ answer: { error: "odd" } });
    expect((await problemOf(() => accountsDirectory(env).getUsers(["a"]))).status).toBe(503);
  });

  it("splits a large id list into batches accounts answers in full, deduplicating first", async () => {
    const { env, calls } = fakeAccounts();
    const ids = Array.from({ length: 250 }, (_, i) => `u${i}`);
    const users = await accountsDirectory(env).getUsers([...ids, "u0", "u1"]);
    expect(calls.map((c) => c.length)).toEqual([DIRECTORY_BATCH, DIRECTORY_BATCH, 50]);
    expect(new Set(calls.flat()).size).toBe(250);
    expect(users.map((u) => u.id).sort()).toEqual([...ids].sort());
  });

  it("makes no call for an empty list, and keeps only checked users that were asked for", async () => {
    const empty = fakeAccounts();
    expect(await accountsDirectory(empty.env).getUsers([])).toEqual([]);
    expect(empty.calls).toEqual([]);
    const odd = fakeAccounts({ answer: [{ id: "a", email: "a@x" }, { id: "stranger", email: "s@x" }, { id: 3 }, null] });
    expect(await accountsDirectory(odd.env).getUsers(["a"])).toEqual([{ id: "a", email: "a@x", name: null, emailVerified: false }]);
  });

  it("findUserByEmail answers the checked user or null", async () => {
    const { env } = fakeAccounts();
    expect(await accountsDirectory(env).findUserByEmail("bob@example.com")).toEqual({
      id: "bob",
      email: "bob@example.com",
      name: null,
      emailVerified: true,
    });
    expect(await accountsDirectory(env).findUserByEmail("nobody@example.com")).toBeNull();
  });

  it("an address counts as verified only when accounts answers exactly true (a missing or odd flag is unverified)", async () => {
    const answer = [
      { id: "a", email: "a@x", name: "A", emailVerified: true },
      { id: "b", email: "b@x", name: "B", emailVerified: false },
      { id: "c", email: "c@x", name: "C" },
      { id: "d", email: "d@x", name: "D", emailVerified: "true" },
      { id: "e", email: "e@x", name: "E", emailVerified: 1 },
    ];
    const { env } = fakeAccounts({ answer });
    const users = await accountsDirectory(env).getUsers(["a", "b", "c", "d", "e"]);
    expect(Object.fromEntries(users.map((u) => [u.id, u.emailVerified]))).toEqual({ a: true, b: false, c: false, d: false, e: false });
  });
});
