import { describe, expect, it } from "vitest";
import { plugin } from "../../src/plugins/ip-restriction";
import { addressToBigInt, inAnyCidr, parseCidr } from "../../src/plugins/ip-restriction/cidr";
import { gw } from "../helpers";
import { fakeContext } from "../support/context";
import { gatewayWith } from "../support/e2e";

const statusFor = async (config: unknown, clientIp: string) => {
  const ctx = fakeContext({ clientIp });
  const res = await ctx.run(plugin.create(plugin.schema.parse(config), ctx.route));
  if (res.status === 403) {
    expect(await res.json()).toMatchObject({ code: "forbidden" });
    expect(ctx.sent).toHaveLength(0);
  }
  return res.status;
};

describe("ip-restriction plugin", () => {
  it.each([
    ["10.1.2.3", 200],
    ["10.255.255.255", 200],
    ["11.0.0.1", 403],
    ["::ffff:10.9.9.9", 200], // IPv4-mapped IPv6 is the IPv4 address
    ["2001:db8:abcd::1", 200],
    ["2001:db9::1", 403],
    ["unknown", 403],
  ])("allow [10.0.0.0/8, 2001:db8::/32]: %s → %i", async (ip, status) => {
    expect(await statusFor({ allow: ["10.0.0.0/8", "2001:db8::/32"] }, ip)).toBe(status);
  });

  it.each([
    ["192.0.2.55", 403],
    ["192.0.3.1", 200],
    ["2001:db8::1", 403],
    ["2001:db8:0:1::1", 200],
    ["unknown", 200],
  ])("deny [192.0.2.0/24, 2001:db8::/64]: %s → %i", async (ip, status) => {
    expect(await statusFor({ deny: ["192.0.2.0/24", "2001:db8::/64"] }, ip)).toBe(status);
  });

  it("deny wins over allow; a bare address is a /32 or /128", async () => {
    const config = { allow: ["10.0.0.0/8"], deny: ["10.0.0.7", "::1"] };
    expect(await statusFor(config, "10.0.0.7")).toBe(403);
    expect(await statusFor(config, "10.0.0.8")).toBe(200);
    expect(await statusFor(config, "::1")).toBe(403);
  });

  it("parses CIDRs exactly at the prefix edges", () => {
    const net = [parseCidr("172.16.0.0/12")].filter((c) => c !== null);
    expect(inAnyCidr(addressToBigInt("172.31.255.255") ?? 0n, net)).toBe(true);
    expect(inAnyCidr(addressToBigInt("172.32.0.0") ?? 0n, net)).toBe(false);
    expect(
      inAnyCidr(
        addressToBigInt("1.2.3.4") ?? 0n,
        [parseCidr("0.0.0.0/0")].filter((c) => c !== null),
      ),
    ).toBe(true);
    expect(parseCidr("10.0.0.0/33")).toBeNull();
    expect(parseCidr("2001:db8::/129")).toBeNull();
    expect(parseCidr("300.1.1.1/8")).toBeNull();
    expect(parseCidr("10.0.0.0/-1")).toBeNull();
    expect(parseCidr("1:2:3:4:5:6:7:8:9/64")).toBeNull();
  });

  it("refuses configs that are not CIDRs, empty, or too long", () => {
    expect(plugin.schema.safeParse({}).success).toBe(false);
    expect(plugin.schema.safeParse({ allow: ["example.com"] }).success).toBe(false);
    expect(plugin.schema.safeParse({ deny: ["10.0.0.0/8 "] }).success).toBe(false);
    expect(plugin.schema.safeParse({ deny: Array.from({ length: 1001 }, () => "10.0.0.1") }).success).toBe(false);
  });
});

describe("ip-restriction through the proxy (/gw/<slug>/…)", () => {
  it("refuses a client outside the allow list by its CF-Connecting-IP, lets one inside through", async () => {
    const ws = await gatewayWith([{ name: "ip-restriction", config: { allow: ["198.51.100.0/24", "2001:db8::/48"] } }]);
    const from = (ip: string) => gw(ws.slug, "/v1/x", { headers: { "CF-Connecting-IP": ip } });
    expect((await from("198.51.100.20")).status).toBe(200);
    expect((await from("2001:db8:0:5::1")).status).toBe(200);
    const out = await from("203.0.113.9");
    expect(out.status).toBe(403);
    expect(await out.json()).toMatchObject({ code: "forbidden" });
    // X-Real-IP is not trusted outside development: it cannot talk its way in
    expect((await gw(ws.slug, "/v1/x", { headers: { "CF-Connecting-IP": "203.0.113.9", "X-Real-IP": "198.51.100.20" } })).status).toBe(403);
  });
});
