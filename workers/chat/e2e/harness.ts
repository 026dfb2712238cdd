// The e2e harness: `pnpm dev` (or CHAT_E2E_URL) plus Debian's Chromium through playwright-core, and
// the few steps every test takes (register over the typed API client, log in through the page, read the DOM).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type ChatApi, type Client, createAccountsClient, createChatClient } from "@edgeworks/client";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { startDev } from "../../../packages/testing/src/dev-server.ts";

// Debian's package; CI installs it with `apt-get install -y chromium`. Override with CHROMIUM_PATH.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const PASSWORD = "correct horse battery staple";

export interface Registered {
  email: string;
  accessToken: string;
  user: { id: string };
}

export interface ChatPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, with where they came from. */
  problems: string[];
}

export interface Harness {
  url: string;
  /** The chat API as the holder of `token` (the typed client from @edgeworks/client). */
  api: (token: string) => Client<ChatApi.paths>;
  registerUser: (label: string, name: string) => Promise<Registered>;
  /** A browser context of its own (its own storage), logged in through the page; `beforeLoad` runs before it loads. */
  openChat: (user: Registered, beforeLoad?: (page: Page) => Promise<void>) => Promise<ChatPage>;
  stop: () => Promise<void>;
}

/** Starts the dev server (unless CHAT_E2E_URL names a running one) and Chromium; fails clearly without it. */
export async function startHarness(): Promise<Harness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: this test drives a real browser (apt-get install -y chromium, or set CHROMIUM_PATH)`,
    );
  }
  const running = process.env.CHAT_E2E_URL;
  const [dev, browser]: [{ url: string; stop: () => Promise<void> }, Browser] = await Promise.all([
    running ? { url: running.replace(/\/$/, ""), stop: async () => undefined } : startDev(),
    chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
      ],
    }),
  ]);

  const api: Harness["api"] = (token) => createChatClient(dev.url, { token });
  const accounts = createAccountsClient(dev.url);

  const registerUser: Harness["registerUser"] = async (label, name) => {
    const email = `chat-e2e-${label}-${Date.now()}@example.com`;
    const res = await accounts.POST("/auth/v1/register", { body: { email, password: PASSWORD, name } });
    expect(res.response.status).toBe(201);
    return { ...res.data!, email };
  };

  const openChat: Harness["openChat"] = async (user, beforeLoad) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await beforeLoad?.(page);
    const problems: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on("pageerror", (err) => problems.push(String(err)));
    await page.goto(`${dev.url}/chat`); // the 301 to /chat/
    expect(page.url()).toBe(`${dev.url}/chat/`);
    await page.fill("#login-form input[name=email]", user.email);
    await page.fill("#login-form input[name=password]", PASSWORD);
    await page.click("#login-form button[value=login]");
    await page.waitForSelector("#chat-view", { state: "visible" });
    return { context, page, problems };
  };

  return {
    url: dev.url,
    api,
    registerUser,
    openChat,
    stop: async () => {
      await browser.close();
      await dev.stop();
    },
  };
}

/** The texts of the delivered messages, in the order shown (pending ones left out). */
export const shownTexts = (page: Page) => page.$$eval("#messages li:not(.pending) .text", (els) => els.map((e) => e.textContent ?? ""));
/** The seqs of the delivered messages, in the order shown. */
export const shownSeqs = (page: Page) =>
  page.$$eval("#messages li:not(.pending)", (els) => els.map((e) => Number((e as HTMLElement).dataset.seq)));
/** Messages sent from this page and not yet acknowledged. */
export const pendingCount = (page: Page) => page.$$eval("#messages li.pending", (els) => els.length);

/** Opens the room from the list and waits until it is live (replay done). */
export async function enterRoom(page: Page, roomName: string): Promise<void> {
  await page.getByRole("button", { name: roomName, exact: true }).click();
  await page.waitForSelector("#connection[data-status=online]");
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
interface AxeResults {
  violations: { id: string; nodes: { target: string[] }[] }[];
}

/**
 * axe-core's WCAG 2.0 and 2.1 A/AA rules (labels, names, contrast, landmarks, ARIA) on the page as it is
 * now, one "rule: elements" line per violation. Evaluated through DevTools, so the page's CSP allows it.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const { axe } = window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } };
    const { violations } = await axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
    return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

/** Types a message and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await page.fill("#composer input[name=text]", text);
  await page.press("#composer input[name=text]", "Enter");
}
