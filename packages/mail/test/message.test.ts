import { describe, expect, it } from "vitest";
import { type MailMessage, mailMessage } from "../src";

const valid: MailMessage = {
  id: "blog-follower/1/u_1",
  to: "ada@example.com",
  subject: "Hello",
  text: "Hi",
  html: "<p>Hi</p>",
  kind: "blog-follower",
};

const issuesOf = (body: unknown) => {
  const parsed = mailMessage.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join("."));
};

describe("mailMessage", () => {
  it("accepts a complete email, with or without replyTo", () => {
    expect(mailMessage.parse(valid)).toEqual(valid);
    expect(mailMessage.parse({ ...valid, replyTo: "help@example.com" }).replyTo).toBe("help@example.com");
  });

  it.each([
    ["a second address", { to: "a@example.com, b@example.com" }, "to"],
    ["a display name", { to: "Ada <ada@example.com>" }, "to"],
    ["a line break in the address", { to: "ada@example.com\r\nBcc: x@y.z" }, "to"],
    ["no domain", { to: "ada" }, "to"],
    ["a header injected in the subject", { subject: "Hi\r\nBcc: x@example.com" }, "subject"],
    ["an empty subject", { subject: "" }, "subject"],
    ["a 301-character subject", { subject: "x".repeat(301) }, "subject"],
    ["an id with spaces", { id: "a b" }, "id"],
    ["an upper-case kind", { kind: "Blog" }, "kind"],
    ["an empty text part", { text: "" }, "text"],
    ["a bad replyTo", { replyTo: "nobody" }, "replyTo"],
    ["a relative unsubscribe link", { unsubscribeUrl: "/u?token=t" }, "unsubscribeUrl"],
    ["a javascript: unsubscribe link", { unsubscribeUrl: "javascript:alert(1)" }, "unsubscribeUrl"],
    ["an unsubscribe link with a line break", { unsubscribeUrl: "https://x.example/u\r\nBcc: a@b.c" }, "unsubscribeUrl"],
  ])("refuses %s", (_name, change, path) => {
    expect(issuesOf({ ...valid, ...change })).toEqual([path]);
  });

  it("refuses unknown fields and an email over the queue's size limit", () => {
    expect(issuesOf({ ...valid, bcc: "x@example.com" })).toEqual([""]);
    expect(issuesOf({ ...valid, text: "é".repeat(40_000), html: "é".repeat(40_000) })).toEqual([""]);
  });

  it("checks lengths before patterns: a 1 MB address with a NUL at the end is refused at once", () => {
    const started = performance.now();
    expect(issuesOf({ ...valid, to: `${"a".repeat(1_000_000)}\u0000`, subject: `${"s".repeat(1_000_000)}\u0000` })).toEqual([
      "to",
      "subject",
    ]);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
