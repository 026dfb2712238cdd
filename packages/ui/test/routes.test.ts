import { describe, expect, it } from "vitest";
import { ASSET_CACHE_CONTROL, CONTENT_SECURITY_POLICY, pageRoutes, type WebAsset } from "../src/routes";
import signIn from "../src/sign-in.html?raw";

const page: WebAsset = { body: "<!doctype html><p>page</p>", type: "text/html; charset=utf-8", etag: '"page-etag"' };
const js: WebAsset = { body: "console.log(1)", type: "text/javascript; charset=utf-8", etag: '"js-etag"' };
const router = pageRoutes({ prefix: "demo", page, assets: { "app.abc123_-X.js": js } });
const get = (path: string) => router.request(`http://x${path}`);

describe("pageRoutes", () => {
  it("redirects the bare prefix to the page's home", async () => {
    const res = await get("/demo");
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe("/demo/");
  });

  it("serves the page revalidated on every load, with its ETag and the strict CSP", async () => {
    const res = await get("/demo/");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(page.body);
    expect(Object.fromEntries(res.headers)).toEqual({
      "content-type": "text/html; charset=utf-8",
      etag: '"page-etag"',
      "cache-control": "no-cache",
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cross-origin-opener-policy": "same-origin",
    });
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it("serves a hashed file cached for a year; an unknown or malformed name is a 404", async () => {
    const res = await get("/demo/app.abc123_-X.js");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(js.body);
    expect(res.headers.get("Content-Type")).toBe(js.type);
    expect(res.headers.get("ETag")).toBe('"js-etag"');
    expect(res.headers.get("Cache-Control")).toBe(ASSET_CACHE_CONTROL);
    expect(res.headers.get("Content-Security-Policy")).toBe(CONTENT_SECURITY_POLICY);
    for (const path of ["/demo/app.other.js", "/demo/app.abc123_-X.css", "/demo/app.js", "/demo/x.abc123_-X.js", "/other/"]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });
});

describe("sign-in.html", () => {
  it("has the notice, the polite announcer and a labelled login/register form, nothing inline", () => {
    expect(signIn).toContain('<p id="notice" class="ui-alert" role="alert" hidden></p>');
    expect(signIn).toContain('<div id="announcer" class="ui-visually-hidden" role="status"></div>');
    expect(signIn).toContain('<section id="login-view" class="ui-login" aria-labelledby="login-title" hidden>');
    expect(signIn).toContain('<h2 id="login-title">');
    for (const name of ["email", "password", "name"])
      expect(signIn).toMatch(new RegExp(`<label class="ui-field">[^<]+<input name="${name}"`));
    expect(signIn).toContain('<button type="submit" name="action" value="login">Log in</button>');
    expect(signIn).toContain('<button type="submit" name="action" value="register" class="ui-secondary">Register</button>');
    expect(signIn).not.toMatch(/<style|style=|<script|\son[a-z]+=/);
    // the comment must not close early (a `-->` inside it would show as text)
    expect(signIn.match(/-->/g)).toHaveLength(signIn.match(/<!--/g)?.length ?? 0);
  });
});
