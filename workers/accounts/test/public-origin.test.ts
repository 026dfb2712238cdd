import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { emailOrigin } from "../src/product";
import { freshIp, outbox } from "./helpers";

// Issue 10, item 12: links in emails point at PUBLIC_ORIGIN, not at whatever host the request named
// (the blog calls accounts over a service binding as https://accounts.internal).

describe("links in emails", () => {
  it("a sign-up through the blog (a service-binding call) gets a verification link on PUBLIC_ORIGIN", async () => {
    expect(env.PUBLIC_ORIGIN).toBe("https://edgeworks.example");
    const email = `blog-${crypto.randomUUID()}@example.com`;
    const res = await SELF.fetch("https://accounts.internal/auth/v1/register", {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() },
      body: JSON.stringify({ email, password: "correct horse battery staple" }),
    });
    expect(res.status).toBe(201);
    const [mail] = await outbox(email);
    expect(mail?.payload.link).toBe(`https://edgeworks.example/auth/v1/email/verify?token=${mail?.payload.token}`);
    expect(mail?.body).toContain("https://edgeworks.example/auth/v1/email/verify?token=");
  });

  it.each([
    ["https://edgeworks.example", "https://accounts.internal/auth/v1/register", "https://edgeworks.example"],
    ["https://edgeworks.example/", "http://127.0.0.1:8787/auth/v1/register", "https://edgeworks.example"],
    ["", "http://127.0.0.1:8787/auth/v1/register", "http://127.0.0.1:8787"],
    [undefined, "https://blog.example/auth/v1/register", "https://blog.example"],
  ])("PUBLIC_ORIGIN %j, request %s: %s", (publicOrigin, url, expected) => {
    expect(emailOrigin({ PUBLIC_ORIGIN: publicOrigin }, url)).toBe(expected);
  });
});
