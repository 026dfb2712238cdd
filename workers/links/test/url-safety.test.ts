import { targetUrlProblem } from "@edgeworks/egress";
import { describe, expect, test } from "vitest";
import { call, expectProblem, newUser, rowsOf } from "./helpers";

const refused: [string, string][] = [
  ["javascript:", "javascript:alert(document.cookie)"],
  ["data:", "data:text/html,<script>alert(1)</script>"],
  ["file:", "file:///etc/passwd"],
  ["ftp:", "ftp://example.com/file"],
  ["vbscript:", "vbscript:msgbox(1)"],
  ["credentials before localhost", "http://evil@localhost/"],
  ["credentials that look like a host", "https://example.com@evil.example.org/"],
  ["an empty userinfo", "http://@example.com/"],
  ["localhost", "http://localhost:8787/"],
  ["a localhost subdomain", "http://api.localhost/"],
  ["localhost with a trailing dot", "http://localhost./"],
  ["IPv4 loopback", "http://127.0.0.1/"],
  ["loopback as a decimal number", "http://2130706433/"],
  ["loopback in hex", "http://0x7f.1/"],
  ["loopback in octal", "http://0177.0.0.1/"],
  ["loopback shortened", "http://127.1/"],
  ["0.0.0.0", "http://0.0.0.0/"],
  ["private 10/8", "http://10.1.2.3/"],
  ["private 172.16/12", "http://172.20.0.1/"],
  ["private 192.168/16", "https://192.168.1.1/admin"],
  ["link-local metadata", "http://169.254.169.254/latest/meta-data/"],
  ["carrier-grade NAT", "http://100.64.0.1/"],
  ["IPv6 loopback", "http://[::1]/"],
  ["IPv6 unique local", "http://[fd12:3456::1]/"],
  ["IPv6 link-local", "http://[fe80::1]/"],
  ["IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]/"],
  ["IPv4-mapped in hex", "http://[::ffff:7f00:1]/"],
  ["NAT64 of a private address", "http://[64:ff9b::a00:1]/"],
  ["IPv6 unspecified", "http://[::]/"],
  ["a single-label host", "http://intranet/"],
  ["a .local name", "http://printer.local/"],
  ["a .internal name", "http://metadata.google.internal/"],
  ["this shortener (request host)", "https://sho.rt/abcdefg"],
  ["this shortener, other case", "https://SHO.RT./x"],
  ["a blocked domain", "https://bit.ly/abc"],
  ["a subdomain of a blocked domain", "https://www.tinyurl.com/abc"],
  ["a URL of 2049 characters", `https://example.com/${"a".repeat(2049 - 20)}`],
];

describe("URL safety", () => {
  test.each(refused)("%s is refused (422 at url) and nothing is created", async (_label, url) => {
    const { token, id } = await newUser();
    await expectProblem(await call("POST", "/links", token, { url }), 422, "validation_failed", ["url"]);
    expect(await rowsOf(id)).toHaveLength(0);
  });

  test.each([
    ["expiredUrl", { expiredUrl: "http://127.0.0.1/" }, "expiredUrl"],
    ["a rule target", { rules: [{ type: "country", value: "PL", url: "http://[::1]/" }] }, "rules.0.url"],
  ])("every URL is checked: %s", async (_label, patch, path) => {
    const { token, id } = await newUser();
    await expectProblem(await call("POST", "/links", token, { url: "https://example.com", ...patch }), 422, "validation_failed", [path]);
    expect(await rowsOf(id)).toHaveLength(0);
  });

  test.each([
    "https://example.com/",
    "http://example.com:8080/path?q=1#frag",
    "https://8.8.8.8/",
    "https://[2606:4700:4700::1111]/",
    "https://xn--bcher-kva.example/",
    "https://notbit.ly/",
    "https://example.com/redirect?to=http://localhost/",
  ])("%s is allowed", async (url) => {
    const { token } = await newUser();
    expect((await call("POST", "/links", token, { url })).status).toBe(201);
  });

  test("the checker on its own", () => {
    const policy = { ownHosts: ["edgew.rk"], blockedDomains: ["evil.example"] };
    expect(targetUrlProblem("https://edgew.rk/x", policy)).toMatch(/loop/);
    expect(targetUrlProblem("https://a.evil.example/", policy)).toBe("The domain evil.example is blocked");
    expect(targetUrlProblem("https://example.org/", policy)).toBeNull();
    expect(targetUrlProblem("http://[2001:db8::1]/", policy)).toMatch(/private/);
    expect(targetUrlProblem("http://[2002:c0a8:101::1]/", policy)).toMatch(/private/); // 6to4 of 192.168.1.1
  });
});
