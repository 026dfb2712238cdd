import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createLink, expectProblem, newIp, newUser, ORIGIN, visit } from "./helpers";

const form = (password: string, ip: string, extra: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": ip, ...extra },
  body: new URLSearchParams({ password }).toString(),
});

describe("password-protected links", () => {
  it("GET shows a form (escaped, no script), stores only a hash, and never reveals the target", async () => {
    const { token, id } = await newUser();
    const link = await createLink(token, { url: "https://example.com/secret", password: "open sesame", slug: "pw-form-a" });
    expect(link.passwordProtected).toBe(true);
    expect(JSON.stringify(link)).not.toContain("open sesame");
    const { results } = await env.DB.prepare("SELECT password_hash FROM links WHERE user_id = ?").bind(id).all<{ password_hash: string }>();
    expect(results[0]?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);

    const res = await visit(link.slug, { headers: { Accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Location")).toBeNull();
    expect(res.headers.get("Cache-Control")).toBe("private, no-store, max-age=0");
    expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain('name="password"');
    expect(html).not.toContain("example.com/secret");
    expect(html).not.toContain("<script");
  });

  it("GET with Accept: application/json is a 401 problem", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { password: "open sesame" });
    await expectProblem(await visit(link.slug, { headers: { Accept: "application/json" } }), 401, "unauthorized");
  });

  it("the right password is a 303 to the target (query kept with passQuery)", async () => {
    const { token } = await newUser();
    const link = await createLink(token, {
      url: "https://example.com/secret",
      password: "open sesame",
      redirectType: 308,
      passQuery: true,
    });
    const res = await SELF.fetch(`${ORIGIN}/${link.slug}?utm_source=x`, { ...form("open sesame", newIp()), redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("https://example.com/secret?utm_source=x");
    expect(res.headers.get("Cache-Control")).toBe("private, no-store, max-age=0");
  });

  it("a wrong password is 401 with the form again; JSON clients get a problem", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { password: "open sesame" });
    const res = await SELF.fetch(`${ORIGIN}/${link.slug}`, { ...form("guess", newIp()), redirect: "manual" });
    expect(res.status).toBe(401);
    expect(res.headers.get("Location")).toBeNull();
    const html = await res.text();
    expect(html).toContain("Wrong password");
    expect(html).toContain("<form");
    const problem = await SELF.fetch(`${ORIGIN}/${link.slug}`, {
      ...form("guess", newIp(), { Accept: "application/json" }),
      redirect: "manual",
    });
    await expectProblem(problem, 401, "unauthorized");
  });

  it("attempts are rate-limited per IP and link: the 6th in 5 minutes is 429 with Retry-After, other IPs unaffected", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { password: "open sesame" });
    const ip = newIp();
    for (let i = 0; i < 5; i++) expect((await SELF.fetch(`${ORIGIN}/${link.slug}`, form("nope", ip))).status).toBe(401);
    const limited = await SELF.fetch(`${ORIGIN}/${link.slug}`, {
      ...form("open sesame", ip, { Accept: "application/json" }),
      redirect: "manual",
    });
    await expectProblem(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    const other = await SELF.fetch(`${ORIGIN}/${link.slug}`, { ...form("open sesame", newIp()), redirect: "manual" });
    expect(other.status).toBe(303);
  });

  it("a body that is not a form is 415; a huge one is 413; a link without password is 405", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { password: "open sesame" });
    const json = await SELF.fetch(`${ORIGIN}/${link.slug}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ password: "open sesame" }),
    });
    await expectProblem(json, 415, "unsupported_media_type");
    const huge = await SELF.fetch(`${ORIGIN}/${link.slug}`, {
      ...form("x".repeat(20_000), newIp(), { Accept: "application/json" }),
    });
    await expectProblem(huge, 413, "payload_too_large");
    const open = await createLink(token);
    const res = await SELF.fetch(`${ORIGIN}/${open.slug}`, { ...form("x", newIp(), { Accept: "application/json" }), redirect: "manual" });
    await expectProblem(res, 405, "method_not_allowed");
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
  });

  it("the form of a capped link that is used up is 410, not a prompt; PATCH password null removes the prompt", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { password: "open sesame", maxClicks: 1 });
    expect((await SELF.fetch(`${ORIGIN}/${link.slug}`, { ...form("open sesame", newIp()), redirect: "manual" })).status).toBe(303);
    expect((await visit(link.slug, { headers: { Accept: "text/html" } })).status).toBe(410);
    const other = await createLink(token, { password: "open sesame" });
    await SELF.fetch(`https://sho.rt/links/v1/links/${other.id}`, {
      method: "PATCH",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ password: null }),
    });
    expect((await visit(other.slug)).status).toBe(302);
  });
});
