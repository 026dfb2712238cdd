import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shortLinkHostOf } from "../src/deps";
import { call, createLink, expectProblem, newIp, newUser, rowsOf } from "./helpers";

/** SHORT_LINK_HOST in the tests' config (vitest.config.ts). */
const SHORT = "https://go.sho.rt";

const onShortHost = (path: string, init: RequestInit = {}) => SELF.fetch(`${SHORT}${path}`, { redirect: "manual", ...init });

describe("SHORT_LINK_HOST: a short-link domain served by the links Worker directly", () => {
  it("GET and HEAD /<slug> on that host redirect (no /links prefix)", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { url: "https://example.com/direct" });
    const res = await onShortHost(`/${link.slug}`);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://example.com/direct");
    const head = await onShortHost(`/${link.slug}`, { method: "HEAD" });
    expect(head.status).toBe(302);
    // the host is compared case-insensitively, without a trailing dot
    expect((await SELF.fetch(`https://GO.SHO.RT./${link.slug}`, { redirect: "manual" })).status).toBe(302);
  });

  it("a password-protected link's form posts back to the same URL and works there", async () => {
    const { token } = await newUser();
    const link = await createLink(token, { url: "https://example.com/locked", password: "open sesame" });
    expect((await onShortHost(`/${link.slug}`, { headers: { Accept: "text/html" } })).status).toBe(200);
    const res = await onShortHost(`/${link.slug}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": newIp() },
      body: "password=open+sesame",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("https://example.com/locked");
  });

  it.each([
    ["GET", "/"],
    ["GET", "/links/health"],
    ["GET", "/links/docs"],
    ["GET", "/links/openapi.json"],
    ["GET", "/links/v1/links"],
    ["GET", "/links"],
    ["GET", "/abc1234/extra"],
    ["GET", "/favicon.ico"],
    ["PUT", "/abc1234"],
    ["DELETE", "/abc1234"],
  ])("everything else is 404: %s %s", async (method, path) => {
    const { token } = await newUser();
    const res = await onShortHost(path, { method, headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
    await expectProblem(res, 404, "not_found");
  });

  it("the API is not reachable there: POST /links/v1/links is 404 and creates nothing", async () => {
    const { token, id } = await newUser();
    const res = await onShortHost("/links/v1/links", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ url: "https://example.com/" }),
    });
    await expectProblem(res, 404, "not_found");
    expect(await rowsOf(id)).toHaveLength(0);
  });

  it("an unknown slug on that host is the redirect's 404", async () => {
    await expectProblem(await onShortHost("/no-such-slug-here", { headers: { Accept: "application/json" } }), 404, "not_found");
  });

  it("links may not point at the short host (a redirect loop)", async () => {
    const { token } = await newUser();
    await expectProblem(await call("POST", "/links", token, { url: `${SHORT}/abc` }), 422, "validation_failed", ["url"]);
  });

  it("other hosts are unaffected: the API still answers on the front door's host", async () => {
    expect((await SELF.fetch("https://sho.rt/links/health")).status).toBe(200);
  });

  it("the var is normalised; empty is off", () => {
    expect(shortLinkHostOf({ SHORT_LINK_HOST: " Go.Sho.Rt. " })).toBe("go.sho.rt");
    expect(shortLinkHostOf({ SHORT_LINK_HOST: "https://go.sho.rt/" })).toBe("go.sho.rt");
    expect(shortLinkHostOf({ SHORT_LINK_HOST: "" })).toBeNull();
    expect(shortLinkHostOf({})).toBeNull();
  });
});
