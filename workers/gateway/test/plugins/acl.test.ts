import { describe, expect, it } from "vitest";
import type { ConsumerIdentity } from "../../src/contract";
import { plugin } from "../../src/plugins/acl";
import { fakeContext } from "../support/context";

const who = (groups: string[]): ConsumerIdentity => ({ id: "csm_1", username: "alice", groups, via: "key" });
const mw = (config: unknown) => plugin.create(plugin.schema.parse(config), fakeContext().route);

describe("acl plugin", () => {
  it("lets a consumer in an allowed group through", async () => {
    const ctx = fakeContext({ consumer: who(["partners", "beta"]) });
    expect((await ctx.run(mw({ allow: ["partners"] }))).status).toBe(200);
    expect(ctx.sent).toHaveLength(1);
  });

  it.each([
    ["not in an allowed group", { allow: ["partners"] }, ["beta"]],
    ["in a denied group", { deny: ["banned"] }, ["banned"]],
    ["in a denied group, even when also allowed (deny wins)", { allow: ["partners"], deny: ["banned"] }, ["partners", "banned"]],
    ["without groups against an allow list", { allow: ["partners"] }, []],
  ])("refuses a consumer %s with 403 and never calls upstream", async (_what, config, groups) => {
    const ctx = fakeContext({ consumer: who(groups) });
    const res = await ctx.run(mw(config));
    expect(res.status).toBe(403);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "forbidden", status: 403 });
    expect(ctx.sent).toHaveLength(0);
    expect(ctx.log.error).toBe("forbidden");
  });

  it("refuses an anonymous caller (auth with anonymous: true before it)", async () => {
    const ctx = fakeContext({ consumer: null });
    expect((await ctx.run(mw({ deny: ["banned"] }))).status).toBe(403);
    expect(ctx.sent).toHaveLength(0);
  });

  it("needs allow or deny, and group names without odd characters", () => {
    expect(plugin.schema.safeParse({}).success).toBe(false);
    expect(plugin.schema.safeParse({ allow: [] }).success).toBe(false);
    expect(plugin.schema.safeParse({ allow: ["a b"] }).success).toBe(false);
    expect(plugin.schema.safeParse({ allow: Array.from({ length: 101 }, (_, i) => `g${i}`) }).success).toBe(false);
  });
});
