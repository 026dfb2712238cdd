// Node side: the real browser of the e2e tests (Debian's Chromium through playwright-core) and the accessibility
// check every page passes (axe-core's WCAG 2.0/2.1 A and AA rules). CI installs Chromium itself
// (scripts/ensure-chromium.mjs); CHROMIUM_PATH points elsewhere.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, chromium, type Page } from "playwright-core";

/** Where Chromium is: Debian's package, or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless, no sandbox (containers), no GPU, nothing fetched in the background (the machine is offline). */
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

/**
 * Starts Chromium, or fails at once with how to install it.
 *
 * @example const browser = await launchChromium(); const page = await browser.newPage();
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: this test drives a real browser (apt-get install -y chromium, or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

let axeSource: string | undefined;

interface AxeResults {
  violations: { id: string; nodes: { target: string[] }[] }[];
}

/**
 * axe-core's WCAG 2.0 and 2.1 A/AA rules (labels, names, contrast, landmarks, ARIA) on the page as it is now,
 * one "rule: elements" line per violation. Evaluated through DevTools, so the page's strict CSP allows it.
 *
 * @example expect(await axeViolations(page), "dark, logged out").toEqual([]);
 */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // runs in the page (this package has no DOM types): its window, its document, the axe it was just given
    const win = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: object) => Promise<AxeResults> } };
    const { violations } = await win.axe.run(win.document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}
