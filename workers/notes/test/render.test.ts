import { describe, expect, it, test } from "vitest";
import { call, expectProblem, newUser, userWithNote } from "./helpers";

const render = async (content: string) => {
  const { user, note } = await userWithNote({ content });
  const res = await call("GET", `/notes/${note.id}/html`, user.token);
  expect(res.status).toBe(200);
  return { res, html: await res.text() };
};

describe("GET /notes/{id}/html", () => {
  it("renders Markdown to HTML with safe links", async () => {
    const { res, html } = await render("# Title\n\nSome **bold** and [a link](https://example.com) and `code`.\n\n- one\n- two");
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow">a link</a>');
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<li>one</li>");
  });

  const hostile: [string, string][] = [
    ["a script tag", "<script>alert(1)</script>"],
    ["an inline script in a paragraph", "Hello <script>document.cookie</script> world"],
    ["an img with onerror", '<img src="x" onerror="alert(1)">'],
    ["a javascript: link", "[click](javascript:alert(1))"],
    ["a mixed-case javascript: link", "[click](JaVaScRiPt:alert(1))"],
    ["an entity-encoded javascript: link", "[click](&#106;avascript:alert(1))"],
    ["a javascript: autolink", "<javascript:alert(1)>"],
    ["a javascript: image", "![x](javascript:alert(1))"],
    ["a vbscript: link", "[x](vbscript:msgbox(1))"],
    ["a data: link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"],
    ["an svg with onload", '<svg onload="alert(1)"><circle/></svg>'],
    ["an iframe", '<iframe src="https://evil.example"></iframe>'],
    ["a style tag", "<style>body{background:url(javascript:alert(1))}</style>"],
    ["an a tag with onclick", '<a href="https://ok.example" onclick="alert(1)">x</a>'],
    ["a reference-style javascript: link", "[x][1]\n\n[1]: javascript:alert(1)"],
    ["a protocol-relative image", "![x](//evil.example/a.png)"],
  ];

  test.each(hostile)("neutralises %s", async (_l, content) => {
    const { html } = await render(content);
    // escaped text may mention these words; what must never appear is a live element, handler or URL
    expect(html).not.toMatch(/<(script|iframe|svg|style|object|embed)\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):/i);
    expect(html).not.toMatch(/(href|src)\s*=\s*["']?\/\//i);
  });

  it("escapes raw HTML as text rather than dropping the words", async () => {
    const { html } = await render("a <b>bold</b> claim");
    expect(html).toContain("a &lt;b&gt;bold&lt;/b&gt; claim");
  });

  it("keeps attachment images (same-origin paths) and https images", async () => {
    const { html } = await render("![pic](/notes/v1/attachments/abc123) ![web](https://example.com/a.png)");
    expect(html).toContain('src="/notes/v1/attachments/abc123"');
    expect(html).toContain('src="https://example.com/a.png"');
  });

  it("needs read access: strangers 404", async () => {
    const { note } = await userWithNote();
    const stranger = await newUser();
    await expectProblem(await call("GET", `/notes/${note.id}/html`, stranger.token), 404, "not_found");
  });
});
