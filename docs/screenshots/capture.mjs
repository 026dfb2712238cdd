import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startDevServer } from "../../scripts/lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const { chromium } = createRequire(join(ROOT, "workers", "chat", "package.json"))("playwright-core");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PASSWORD = "correct horse battery staple";

const { values } = parseArgs({ options: { url: { type: "string" } } });
const dev = values.url ? { url: values.url, stop: () => undefined } : await startDevServer("shots");
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const post = async (path, body, token) => {
    const headers = { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    const res = await fetch(`${dev.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const stamp = Date.now();
  const [ann, bob] = await Promise.all(
    [
      ["ann", "Ann Lee"],
      ["bob", "Bob Stone"],
    ].map(([id, name]) => post("/auth/v1/register", { email: `${id}-${stamp}@example.com`, password: PASSWORD, name })),
  );
  const room = await post("/chat/v1/rooms", { name: "Design review", memberIds: [bob.user.id] }, ann.accessToken);
  await post("/chat/v1/rooms", { name: "Launch checklist" }, ann.accessToken);

  const open = async (user, options) => {
    const context = await browser.newContext({ deviceScaleFactor: 1, ...options });
    const page = await context.newPage();
    await page.goto(`${dev.url}/chat/`);
    await page.fill("#login-form input[name=email]", user.user.email);
    await page.fill("#login-form input[name=password]", PASSWORD);
    await page.click("#login-form button[value=login]");
    await page.waitForSelector("#chat-view", { state: "visible" });
    await page.goto(`${dev.url}/chat/#room=${room.id}`);
    await page.waitForSelector("#connection[data-status=online]");
    return { context, page };
  };
  const say = async (page, text) => {
    await page.fill("#composer input[name=text]", text);
    await page.press("#composer input[name=text]", "Enter");
    await page.waitForFunction(() => document.querySelectorAll("#messages li.pending").length === 0);
  };

  const login = await browser.newContext({ viewport: { width: 1000, height: 640 }, deviceScaleFactor: 1 });
  const loginPage = await login.newPage();
  await loginPage.goto(`${dev.url}/chat/`);
  await loginPage.waitForSelector("#login-view", { state: "visible" });
  await loginPage.screenshot({ path: join(HERE, "chat-login.png") });
  await login.close();

  const a = await open(ann, { viewport: { width: 1000, height: 700 } });
  const b = await open(bob, { viewport: { width: 1000, height: 700 } });
  await say(a.page, "Morning! The new header is in review.");
  await say(b.page, "Looks good. Does it pass contrast in dark mode?");
  await say(a.page, "Yes: every colour pair is AA, checked by a test.");
  await say(b.page, "Great, merging after lunch.");
  await a.page.fill("#composer input[name=text]", "Thanks");
  await a.page.waitForTimeout(1500);
  await a.page.screenshot({ path: join(HERE, "chat-room-light.png") });
  for (const [name, options] of [
    ["chat-room-dark.png", { viewport: { width: 1000, height: 700 }, colorScheme: "dark" }],
    ["chat-room-mobile.png", { viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true }],
    ["chat-room-mobile-dark.png", { viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true, colorScheme: "dark" }],
  ]) {
    const view = await open(bob, options);
    await view.page.waitForTimeout(500);
    await view.page.screenshot({ path: join(HERE, name), fullPage: options.isMobile === true });
    await view.context.close();
  }
  console.log(`wrote the screenshots to ${HERE}`);
} finally {
  await browser.close();
  await dev.stop();
}
