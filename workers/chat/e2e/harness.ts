// The e2e harness: `pnpm dev` (or CHAT_E2E_URL) plus Debian's Chromium through playwright-core, and
// the few steps every test takes (register over the typed API client, log in through the page, read the DOM).
import { type ChatApi, type Client, createAccountsClient, createChatClient } from "@edgeworks/client";
import { launchChromium } from "@edgeworks/testing/browser";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import WebSocket from "ws";
import { startDev } from "../../../packages/testing/src/dev-server.ts";

export const PASSWORD = "correct horse battery staple";

export interface Registered {
  email: string;
  accessToken: string;
  user: { id: string };
}

/** A server frame as a Node socket receives it (the fields the tests read). */
export type Frame = { type: string; seq?: number; id?: string; text?: string };

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
  /** A room's socket from Node, as a client opens it (ticket, then upgrade); `frames` collects every frame from the start. */
  openSocket: (user: Registered, roomId: string) => Promise<{ ws: WebSocket; frames: Frame[] }>;
  stop: () => Promise<void>;
}

/** Starts the dev server (unless CHAT_E2E_URL names a running one) and Chromium; fails clearly without it. */
export async function startHarness(): Promise<Harness> {
  const running = process.env.CHAT_E2E_URL;
  // Chromium first: without it the test fails at once, before a dev server is started for nothing
  const browser: Browser = await launchChromium();
  const dev: { url: string; stop: () => Promise<void> } = running
    ? { url: running.replace(/\/$/, ""), stop: async () => undefined }
    : await startDev();

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

  const openSocket: Harness["openSocket"] = async (user, roomId) => {
    const ticket = await api(user.accessToken).POST("/chat/v1/rooms/{id}/ticket", { params: { path: { id: roomId } } });
    expect(ticket.response.status).toBe(201);
    const ws = new WebSocket(`${dev.url.replace(/^http/, "ws")}/chat/v1/rooms/${roomId}/ws?ticket=${ticket.data!.ticket}`);
    const frames: Frame[] = [];
    ws.on("message", (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    return { ws, frames };
  };

  return {
    url: dev.url,
    api,
    registerUser,
    openChat,
    openSocket,
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

/** Types a message and presses Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await page.fill("#composer input[name=text]", text);
  await page.press("#composer input[name=text]", "Enter");
}
