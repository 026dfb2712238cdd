import { describe, expect, it } from "vitest";
import { escapeHtml, pageShell } from "../src/index.js";
import css from "../src/ui.css?raw";

/** The custom properties of one block (`:root { … }` or the dark one), by name. */
function colours(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--ui-([a-z-]+):\s*(#[0-9a-f]{6})/g)].map((m) => [m[1]!, m[2]!]));
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const light = colours(css.slice(css.indexOf(":root {"), css.indexOf("@media (prefers-color-scheme: dark)")));
const dark = { ...light, ...colours(css.slice(css.indexOf("@media (prefers-color-scheme: dark)"), css.indexOf("*,"))) };

describe("ui.css", () => {
  it("has a dark scheme that redefines every colour", () => {
    const named = Object.keys(light).filter((k) => k !== "shadow");
    expect(named.length).toBeGreaterThan(15);
    expect(Object.keys(colours(css.slice(css.indexOf("@media (prefers-color-scheme: dark)"), css.indexOf("*,")))).sort()).toEqual(
      named.sort(),
    );
  });

  // text on the backgrounds it is used on: AA for normal text; control borders 3:1 (non-text contrast)
  const text: [string, string][] = [
    ["fg", "bg"],
    ["fg", "surface"],
    ["muted", "bg"],
    ["muted", "surface"],
    ["muted", "info-bg"],
    ["accent", "bg"],
    ["accent", "surface"],
    ["accent", "info-bg"],
    ["on-accent", "accent"],
    ["on-accent", "accent-hover"],
    ["danger", "bg"],
    ["success", "bg"],
    ["warning", "bg"],
    ["fg", "danger-bg"],
    ["fg", "success-bg"],
    ["fg", "warning-bg"],
    ["fg", "info-bg"],
  ];
  it.each([
    ["light", light],
    ["dark", dark],
  ])("%s: every text pair meets WCAG AA (4.5:1) and control borders 3:1", (_scheme, scheme) => {
    for (const [fg, bg] of text) expect(contrast(scheme[fg]!, scheme[bg]!), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    for (const bg of ["bg", "surface"]) expect(contrast(scheme["control-border"]!, scheme[bg]!)).toBeGreaterThanOrEqual(3);
    expect(contrast(scheme.focus!, scheme.bg!)).toBeGreaterThanOrEqual(3);
  });

  it("shows keyboard focus, respects hidden and reduced motion, and loads nothing from elsewhere", () => {
    expect(css).toMatch(/:focus-visible\s*{\s*outline: 3px solid var\(--ui-focus\)/);
    expect(css).toMatch(/\[hidden\]\s*{[^}]*display: none !important;/);
    expect(css).toContain("@media (prefers-reduced-motion: reduce)");
    expect(css.replace(/\/\*[\s\S]*?\*\//g, "")).not.toMatch(/url\(|@import|@font-face/); // comments may name @import
  });
});

describe("pageShell", () => {
  const html = pageShell({
    title: 'Chat <"&">',
    header: "<h1>Chat</h1>",
    main: '<section id="content">hi</section>',
    stylesheets: ["/chat/app.css"],
    scripts: ["/chat/app.js"],
  });

  it("puts a skip link first, pointing at the one <main>, after the header", () => {
    const body = html.slice(html.indexOf("<body>"));
    expect(body.indexOf('<a class="ui-skip-link" href="#main">')).toBeLessThan(body.indexOf("<header"));
    expect(body.indexOf("<header")).toBeLessThan(body.indexOf('<main id="main"'));
    expect(html.match(/<main/g)).toHaveLength(1);
    expect(html).toContain('<main id="main" class="ui-main" tabindex="-1"><section id="content">hi</section></main>');
  });

  it("escapes the title and loads styles and scripts only by URL (a strict CSP allows them)", () => {
    expect(html).toContain("<title>Chat &lt;&quot;&amp;&quot;&gt;</title>");
    expect(html).toContain('<link rel="stylesheet" href="/chat/app.css" />');
    expect(html).toContain('<script type="module" src="/chat/app.js"></script>');
    expect(html).not.toMatch(/<style|style=|<script>|<script(?![^>]*\ssrc=)/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('name="viewport"');
  });

  it("escapeHtml covers the five characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
