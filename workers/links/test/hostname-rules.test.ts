import { decodePunycode, embeddedPrivateV4, hostnameProblem, isPrivateAddress, mixedScripts } from "@edgeworks/egress";
import { describe, expect, it, test } from "vitest";
import { call, expectProblem, newUser } from "./helpers";

describe("IDN homographs: mixed-script labels are refused", () => {
  test.each([
    ["pаypal (Latin + Cyrillic а)", "https://pаypal.com/login", "Latin and Cyrillic"],
    ["the same, already punycode", "https://xn--pypal-4ve.com/login", "Latin and Cyrillic"],
    ["gοogle (Latin + Greek ο)", "https://xn--gogle-rce.com/", "Latin and Greek"],
    ["раураl (Cyrillic + Latin l)", "https://раураl.com/", "Cyrillic and Latin"],
  ])("%s is 422 at url", async (_label, url, scripts) => {
    const { token } = await newUser();
    const body = await expectProblem(await call("POST", "/links", token, { url }), 422, "validation_failed", ["url"]);
    expect(JSON.stringify(body)).toContain(`mixes scripts in one label (${scripts})`);
  });

  test.each([
    ["one Latin script with accents", "https://bücher.example/"],
    ["Cyrillic name under a Cyrillic TLD", "https://пример.рф/"],
    ["Japanese (Han + Katakana)", "https://日本語テスト.jp/"],
    ["Latin with Han", "https://abc中文.com/"],
    // a whole-script look-alike (every letter Cyrillic) is not a mix: the DNS check still runs on it
    ["a single-script look-alike", "https://аррӏе.com/"],
  ])("%s is allowed", async (_label, url) => {
    const { token } = await newUser();
    expect((await call("POST", "/links", token, { url })).status).toBe(201);
  });
});

describe("the name rules on their own", () => {
  it("decodes punycode as RFC 3492 does", () => {
    expect(decodePunycode("bcher-kva")).toBe("bücher");
    expect(decodePunycode("80ak6aa92e")).toBe("аррӏе");
    expect(decodePunycode("zckzah9945czlbtz6h")).toBe("日本語テスト");
    expect(decodePunycode("pypal-4ve")).toBe("pаypal");
    expect(decodePunycode("99999999999")).toBeNull();
    expect(decodePunycode("a".repeat(64))).toBeNull();
    expect(decodePunycode("ab!-cd")).toBeNull();
  });

  it("finds dotted and dashed private addresses, not public ones", () => {
    expect(embeddedPrivateV4("a.127.0.0.1.example.com")).toBe("127.0.0.1");
    expect(embeddedPrivateV4("ip-172-16-4-2.example.com")).toBe("172.16.4.2");
    expect(embeddedPrivateV4("8-8-8-8.example.com")).toBeNull();
    expect(embeddedPrivateV4("v1-2-3.example.com")).toBeNull();
    expect(embeddedPrivateV4("300-0-0-1.example.com")).toBeNull();
  });

  it("names the reason", () => {
    expect(hostnameProblem("x.nip.io")).toMatch(/^nip\.io is a wildcard DNS service/);
    expect(hostnameProblem("localhost.example.com")).toMatch(/localhost/);
    expect(hostnameProblem("10.0.0.1.example.com")).toBe("Must not point at a private address (the name spells 10.0.0.1)");
    expect(hostnameProblem("notnip.io")).toBeNull();
    expect(mixedScripts("xn--bcher-kva.example")).toBeNull();
  });

  it("judges DNS answers (IPv4, IPv6, mapped, garbage)", () => {
    expect(isPrivateAddress("10.0.0.5")).toBe(true);
    expect(isPrivateAddress("93.184.215.14")).toBe(false);
    expect(isPrivateAddress("2606:4700::1111")).toBe(false);
    expect(isPrivateAddress("fd00:ec2::254")).toBe(true);
    expect(isPrivateAddress("::ffff:127.0.0.1")).toBe(true);
    expect(isPrivateAddress("not an address")).toBe(true);
    expect(isPrivateAddress("999.1.1.1")).toBe(true);
  });

  it("stays linear on long hosts", () => {
    const long = `${"1-".repeat(120)}1.${"a.".repeat(60)}com`;
    const started = Date.now();
    for (let i = 0; i < 100; i++) hostnameProblem(long);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
