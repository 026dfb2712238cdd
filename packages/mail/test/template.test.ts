import { describe, expect, it } from "vitest";
import { DEV_ORIGIN, escapeHtml, mailLink, mailMessage, oneLine, publicOrigin, renderMail } from "../src";

describe("oneLine", () => {
  it("turns every run of control characters into one space, so the subject rule accepts it", () => {
    expect(oneLine("Release\r\n\tnotes\u0000\u007f!")).toBe("Release notes !");
    const subject = oneLine("a\nb");
    expect(mailMessage.safeParse({ id: "x", to: "a@b.example", subject, text: "t", html: "h", kind: "test" }).success).toBe(true);
  });
});

describe("publicOrigin", () => {
  it("is PUBLIC_ORIGIN's origin (trailing slash and path dropped)", () => {
    expect(publicOrigin({ PUBLIC_ORIGIN: "https://edgeworks.example/" })).toBe("https://edgeworks.example");
    expect(publicOrigin({ PUBLIC_ORIGIN: " https://edgeworks.example/some/path " })).toBe("https://edgeworks.example");
  });

  it("falls back to pnpm dev's origin only in dev mode, and throws otherwise", () => {
    expect(publicOrigin({ PUBLIC_ORIGIN: "", DEV_MODE: "true" })).toBe(DEV_ORIGIN);
    expect(() => publicOrigin({ PUBLIC_ORIGIN: "" })).toThrow("PUBLIC_ORIGIN is not set");
    expect(() => publicOrigin({ PUBLIC_ORIGIN: "javascript:alert(1)" })).toThrow("not an http(s) origin");
    expect(() => publicOrigin({ PUBLIC_ORIGIN: "not a url" })).toThrow("not an http(s) origin");
  });
});

describe("mailLink", () => {
  const origin = "https://edgeworks.example";

  it("builds an absolute link on the origin, with encoded query values", () => {
    expect(mailLink(origin, "/auth/v1/verify", { token: "a b&c" })).toBe("https://edgeworks.example/auth/v1/verify?token=a+b%26c");
    expect(mailLink(origin, `/blog/api/articles/${encodeURIComponent("x/../y")}`)).toBe(
      "https://edgeworks.example/blog/api/articles/x%2F..%2Fy",
    );
  });

  it.each(["//evil.example/x", "https://evil.example/x", "relative", "/\\evil.example", ""])(
    "refuses %j, which could leave the origin",
    (path) => {
      expect(() => mailLink(origin, path)).toThrow();
    },
  );
});

describe("renderMail", () => {
  it("has a text part and an HTML part with every string escaped", () => {
    const { text, html } = renderMail({
      heading: "<script>alert(1)</script> published",
      paragraphs: ['He said "hi" & left', "Second"],
      action: { label: "Read <it>", url: 'https://edgeworks.example/a?x=1&y="2"' },
      footer: "You follow <them>",
    });
    expect(text).toBe(
      '<script>alert(1)</script> published\n\nHe said "hi" & left\n\nSecond\n\nRead <it>: https://edgeworks.example/a?x=1&y="2"\n\n--\nYou follow <them>\n',
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; published");
    expect(html).toContain("He said &quot;hi&quot; &amp; left");
    expect(html).toContain('href="https://edgeworks.example/a?x=1&amp;y=&quot;2&quot;"');
    expect(html).toContain("Read &lt;it&gt;");
    expect(html).toContain("You follow &lt;them&gt;");
  });

  it("escapeHtml covers the five characters that matter in content and quoted attributes", () => {
    expect(escapeHtml(`<b>"Tom" & 'Jerry'</b>`)).toBe("&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
  });
});
