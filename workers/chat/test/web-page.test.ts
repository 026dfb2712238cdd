import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

// The chat page as served: @edgeworks/ui's shell, nothing inline (the CSP forbids it), and every control
// named for a screen reader. The browser behaviour (focus, live region, keyboard) is in e2e/.
const page = async () => {
  const res = await SELF.fetch("https://edge.test/chat/");
  expect(res.status).toBe(200);
  return (await res.text()).replace(/<!--[\s\S]*?-->/g, ""); // comments may name elements
};

describe("the chat page's markup", () => {
  it("is the shared page shell: skip link to the one <main>, a header, the hashed stylesheet and script", async () => {
    const html = await page();
    expect(html).toMatch(/<body>\s*<a class="ui-skip-link" href="#main">/);
    expect(html.match(/<main\b/g)).toHaveLength(1);
    expect(html).toContain('<main id="main" class="ui-main" tabindex="-1">');
    expect(html).toContain('<header class="ui-header">');
    expect(html).toMatch(/<link rel="stylesheet" href="\/chat\/app\.[\w-]+\.css" \/>/);
    expect(html).toMatch(/<script type="module" src="\/chat\/app\.[\w-]+\.js"><\/script>/);
  });

  it("has no inline style or script for the CSP to block", async () => {
    const html = await page();
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)/i);
  });

  it("labels every input, and announces new messages and the connection politely", async () => {
    const html = await page();
    const labelled = new Set([...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((m) => m[1]));
    // an input is labelled by a <label for> naming its id, or by the <label> it sits in
    const inputs = [...html.matchAll(/<input\b[^>]*>/g)].map((m) => ({ tag: m[0], at: m.index }));
    expect(inputs.length).toBeGreaterThanOrEqual(7);
    for (const { tag, at } of inputs) {
      const id = tag.match(/\sid="([^"]+)"/)?.[1];
      const before = html.slice(0, at);
      const insideLabel = before.lastIndexOf("<label") > before.lastIndexOf("</label>");
      expect(insideLabel || (id !== undefined && labelled.has(id)), tag).toBe(true);
    }
    expect(html).toMatch(/<div id="announcer" class="ui-visually-hidden" role="status">/);
    expect(html).toMatch(/<span id="connection" class="ui-status" role="status">/);
    expect(html).toMatch(/<ol id="messages"[^>]*tabindex="0"[^>]*aria-label="Messages"/);
  });

  it("serves the stylesheet with the shared look in it (light and dark)", async () => {
    const href = (await page()).match(/href="(\/chat\/app\.[\w-]+\.css)"/)![1]!;
    const css = await (await SELF.fetch(`https://edge.test${href}`)).text();
    expect(css).toContain("--ui-accent");
    expect(css).toContain("prefers-color-scheme:dark");
    expect(css).toContain(":focus-visible");
  });
});
