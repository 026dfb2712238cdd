import { createExecutionContext, env } from "cloudflare:test";
import { address, contact, usersRpc } from "@edgeworks/commerce-contracts";
import { describe, expect, it } from "vitest";
import { UsersRpc } from "../src/index";
import { api, call, createAddress, newUser } from "./helpers";

// The callee's side of the users contract: every answer parses with the contract's output schema (the
// callers' `call(…)` parses it again), and a bad input or context is a TypeError the caller sees.
const rpc = () => new UsersRpc(createExecutionContext(), env);
const ctx = { requestId: "req-test", correlationId: null };

describe("UsersRpc (contract)", () => {
  it("getContact: the saved settings and the verified e-mail", async () => {
    const { id, token } = await newUser();
    const defaults = await rpc().getContact(ctx, { userId: id });
    expect(usersRpc.getContact.output.parse(defaults)).toEqual({
      userId: id,
      email: `${id}@users.test`,
      displayName: null,
      phone: null,
      notifyByEmail: true,
      notifyBySms: false,
    });
    await api.ok(call("PATCH", "/me", token, { displayName: "Ada", phone: "+14155550100", notifyBySms: true }));
    const saved = await rpc().getContact(ctx, { userId: id });
    expect(contact.parse(saved)).toMatchObject({ displayName: "Ada", phone: "+14155550100", notifyBySms: true, notifyByEmail: true });
  });

  it("getContact: no e-mail for an unproven address; null for an account the directory does not know", async () => {
    const { id } = await newUser("commerce:read", "unverified_");
    expect(await rpc().getContact(ctx, { userId: id })).toMatchObject({ userId: id, email: null });
    const broken = {
      getUsers: async () => [],
    } as unknown as Fetcher;
    const gone = new UsersRpc(createExecutionContext(), { ...env, ACCOUNTS: broken });
    expect(await gone.getContact(ctx, { userId: id })).toBeNull();
  });

  it("getAddress: the user's live address, null for another user's, a deleted or an unknown one", async () => {
    const owner = await newUser();
    const mine = await createAddress(owner.token);
    const answer = await rpc().getAddress(ctx, { userId: owner.id, addressId: mine.id });
    expect(usersRpc.getAddress.output.parse(answer)).toEqual(address.parse(mine));
    expect(answer).not.toHaveProperty("createdAt");
    const stranger = await newUser();
    expect(await rpc().getAddress(ctx, { userId: stranger.id, addressId: mine.id })).toBeNull();
    expect(await rpc().getAddress(ctx, { userId: owner.id, addressId: "adr_unknown" })).toBeNull();
    await call("DELETE", `/me/addresses/${mine.id}`, owner.token);
    expect(await rpc().getAddress(ctx, { userId: owner.id, addressId: mine.id })).toBeNull();
  });

  it("refuses a bad input or context with a TypeError", async () => {
    await expect(rpc().getContact(ctx, { userId: "../etc" })).rejects.toThrow(/invalid RPC input: userId/);
    await expect(rpc().getAddress(ctx, { userId: "u" } as never)).rejects.toThrow(TypeError);
    await expect(rpc().getContact({ requestId: "" }, { userId: "u" })).rejects.toThrow(/invalid RPC context/);
  });

  it("serves the HTTP app through the entrypoint's fetch (one binding for both)", async () => {
    const res = await rpc().fetch(new Request("http://users.internal/commerce/health"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});
