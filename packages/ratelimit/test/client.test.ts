import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clientIp, clientIpOf, clientNetwork, clientNetworkOf, networkKey } from "../src/client";

describe("networkKey", () => {
  it("keys IPv6 by its /64, however the address is written", () => {
    expect(networkKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(networkKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(networkKey("2001:0DB8:0001:0002:ffff::")).toBe("2001:db8:1:2::/64");
    expect(networkKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(networkKey("::1")).toBe("0:0:0:0::/64");
  });

  it("gives every address of one /64 the same key and a neighbouring /64 another", () => {
    const keys = new Set(["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:dead:beef:0:1"].map((ip) => networkKey(ip)));
    expect(keys.size).toBe(1);
    expect(networkKey("2001:db8:1:3::1")).not.toBe(networkKey("2001:db8:1:2::1"));
  });

  it("keys IPv4 by address, or by /24 when asked; IPv4-mapped IPv6 counts as IPv4", () => {
    expect(networkKey("203.0.113.7")).toBe("203.0.113.7");
    expect(networkKey("203.0.113.7", { v4Prefix: 24 })).toBe("203.0.113.0/24");
    expect(networkKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(networkKey("::ffff:cb00:7107", { v4Prefix: 24 })).toBe("203.0.113.0/24");
  });

  it("passes anything else through, bounded", () => {
    expect(networkKey("unknown")).toBe("unknown");
    expect(networkKey("1:2:3:4:5:6:7:8:9")).toBe("1:2:3:4:5:6:7:8:9");
    expect(networkKey("x".repeat(500))).toHaveLength(64);
    expect(networkKey("999.1.1.1")).toBe("999.1.1.1");
  });
});

describe("clientIp", () => {
  const app = (devMode?: string) => {
    const a = new Hono<{ Bindings: { DEV_MODE?: string } }>();
    a.get("/", (c) => c.json({ ip: clientIp(c), net: clientNetwork(c) }));
    return async (headers: Record<string, string>) =>
      (await a.request("/", { headers }, devMode === undefined ? {} : { DEV_MODE: devMode })).json();
  };

  it("prefers CF-Connecting-IP over X-Real-IP everywhere", async () => {
    expect(await app("true")({ "CF-Connecting-IP": "2001:db8::5", "X-Real-IP": "10.0.0.1" })).toEqual({
      ip: "2001:db8::5",
      net: "2001:db8:0:0::/64",
    });
  });

  it("in dev, X-Real-IP wins over the loopback CF-Connecting-IP local workerd adds to every request", async () => {
    expect(await app("true")({ "CF-Connecting-IP": "127.0.0.1", "X-Real-IP": "203.0.113.7" })).toMatchObject({ ip: "203.0.113.7" });
    expect(await app("true")({ "CF-Connecting-IP": "::1", "X-Real-IP": "2001:db8::1" })).toMatchObject({ net: "2001:db8:0:0::/64" });
    expect(await app("true")({ "CF-Connecting-IP": "127.0.0.1" })).toMatchObject({ ip: "127.0.0.1" });
    // never in production, and never over a real edge address
    expect(await app("false")({ "CF-Connecting-IP": "127.0.0.1", "X-Real-IP": "203.0.113.7" })).toMatchObject({ ip: "127.0.0.1" });
    expect(await app("true")({ "CF-Connecting-IP": "198.51.100.1", "X-Real-IP": "203.0.113.7" })).toMatchObject({ ip: "198.51.100.1" });
  });

  it("trusts X-Real-IP only in dev", async () => {
    expect(await app("true")({ "X-Real-IP": "10.0.0.1" })).toMatchObject({ ip: "10.0.0.1" });
    expect(await app("false")({ "X-Real-IP": "10.0.0.1" })).toMatchObject({ ip: "unknown" });
    expect(await app()({ "X-Real-IP": "10.0.0.1" })).toMatchObject({ ip: "unknown" });
  });
});

describe("clientIpOf / clientNetworkOf (a raw Request)", () => {
  const req = (headers: Record<string, string>) => new Request("https://x.test/", { headers });

  it("prefers CF-Connecting-IP and keys IPv6 by /64", () => {
    expect(clientIpOf(req({ "CF-Connecting-IP": "2001:db8:1:2::9", "X-Real-IP": "10.0.0.1" }), { DEV_MODE: "true" })).toBe(
      "2001:db8:1:2::9",
    );
    expect(clientNetworkOf(req({ "CF-Connecting-IP": "2001:db8:1:2::9" }), {})).toBe("2001:db8:1:2::/64");
  });

  it("trusts X-Real-IP only in dev", () => {
    expect(clientIpOf(req({ "X-Real-IP": "10.0.0.1" }), { DEV_MODE: "true" })).toBe("10.0.0.1");
    expect(clientIpOf(req({ "X-Real-IP": "10.0.0.1" }), { DEV_MODE: "false" })).toBe("unknown");
    expect(clientIpOf(req({ "X-Real-IP": "10.0.0.1" }), undefined)).toBe("unknown");
    expect(clientNetworkOf(req({ "X-Real-IP": "203.0.113.9" }), { DEV_MODE: "true" }, { v4Prefix: 24 })).toBe("203.0.113.0/24");
  });
});
