import { describe, expect, it } from "vitest";
import { dnsCheckEnabled, isPrivateAddress, targetUrlProblem } from "../src/index";

const open = { ownHosts: [], blockedDomains: [] };

describe("targetUrlProblem", () => {
  it.each([
    ["https://example.com/", null],
    ["http://example.com:8080/x", null],
    ["https://example.com:22/", null],
  ])("%s → %s without a port list (links' policy)", (url, problem) => {
    expect(targetUrlProblem(url, open)).toBe(problem);
  });

  it("with a port list, other ports are refused, the scheme's default counts", () => {
    const policy = { ...open, ports: [443] };
    expect(targetUrlProblem("https://example.com/", policy)).toBeNull();
    expect(targetUrlProblem("https://example.com:443/", policy)).toBeNull();
    expect(targetUrlProblem("http://example.com/", policy)).toBe("The port 80 is not allowed (only 443)");
    expect(targetUrlProblem("https://example.com:8443/", policy)).toBe("The port 8443 is not allowed (only 443)");
  });

  it("own hosts and blocked domains", () => {
    const policy = { ownHosts: ["Jobs.Example"], blockedDomains: ["evil.test"] };
    expect(targetUrlProblem("https://jobs.example./x", policy)).toBe("Must not point at this shortener (redirect loop)");
    expect(targetUrlProblem("https://a.evil.test/", policy)).toBe("The domain evil.test is blocked");
  });
});

describe("isPrivateAddress", () => {
  it.each([
    ["10.0.0.5", true],
    ["100.100.100.200", true],
    ["::1", true],
    ["fe80::1", true],
    ["::ffff:169.254.169.254", true],
    ["64:ff9b::a00:1", true],
    ["999.1.1.1", true],
    ["not an address", true],
    ["93.184.215.14", false],
    ["2606:4700::1111", false],
  ])("%s → %s", (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});

describe("dnsCheckEnabled", () => {
  it.each([
    [{ URL_DNS_CHECK: "doh", DEV_MODE: "true" }, true],
    [{ URL_DNS_CHECK: "off" }, false],
    [{ URL_DNS_CHECK: "auto", DEV_MODE: "true" }, false],
    [{}, true],
  ])("%o → %s", (vars, enabled) => {
    expect(dnsCheckEnabled(vars)).toBe(enabled);
  });
});
