import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import app from "../src/index";
import { BASE, createBoard, newUser } from "./helpers";

/** ACCOUNTS as it is during an outage of its directory: JWKS still served (tokens verify), every lookup throws. */
const accountsDown = {
  fetch: (request: Request) => env.ACCOUNTS.fetch(request),
  findUserByEmail: () => Promise.reject(new Error("accounts is down")),
  getUsers: () => Promise.reject(new Error("accounts is down")),
};

describe("adding a member while accounts is down", () => {
  it.each([{ email: "carol@users.test" }, { userId: "carol" }])("is a 503 problem with Retry-After, not a 500 (%o)", async (body) => {
    const admin = await newUser();
    const board = await createBoard(admin);
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`${BASE}/boards/${board.id}/members`, {
        method: "POST",
        headers: { Authorization: `Bearer ${admin.token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }),
      { ...env, ACCOUNTS: accountsDown, LOG_LEVEL: "silent" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(await res.json()).toMatchObject({ status: 503, code: "service_unavailable" });
  });
});
