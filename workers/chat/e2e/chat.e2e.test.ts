import { axeViolations } from "@edgeworks/testing/browser";
import type { WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { enterRoom, type Harness, pendingCount, type Registered, send, shownSeqs, shownTexts, startHarness } from "./harness";

let chat: Harness;
beforeAll(async () => {
  chat = await startHarness();
});
afterAll(async () => {
  await chat?.stop();
});

describe("chat page under pnpm dev, two Chromium pages through the front door", () => {
  it("serves the page with a strict CSP, cacheable hashed assets and a 304 on revalidation", async () => {
    const res = await fetch(`${chat.url}/chat/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
    const etag = res.headers.get("ETag");
    expect(etag).toMatch(/^"[^"]+"$/);
    const html = await res.text();
    const script = html.match(/src="(\/chat\/app\.[\w-]+\.js)"/)?.[1];
    expect(script).toBeTruthy();
    const js = await fetch(`${chat.url}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    const again = await fetch(`${chat.url}/chat/`, { headers: { "If-None-Match": etag! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${chat.url}/chat/app.nosuchhash.js`)).status).toBe(404);
  });

  it("passes axe-core's WCAG 2.1 A/AA rules in a room and logged out, light and dark", async () => {
    const user = await chat.registerUser("axe", "Axe");
    const roomName = `e2e axe ${Date.now()}`;
    expect((await chat.api(user.accessToken).POST("/chat/v1/rooms", { body: { name: roomName } })).response.status).toBe(201);
    const { page, problems, context } = await chat.openChat(user);
    await enterRoom(page, roomName);
    await send(page, "hello, axe");
    await expect.poll(() => shownTexts(page)).toEqual(["hello, axe"]);
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await axeViolations(page), `${colorScheme}, in a room`).toEqual([]);
    }
    await page.click("#logout");
    await page.waitForSelector("#login-view", { state: "visible" });
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await axeViolations(page), `${colorScheme}, logged out`).toEqual([]);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it("logs in, lists the room, chats live both ways, and a reload resumes with every message exactly once", async () => {
    const [ann, bob] = await Promise.all([chat.registerUser("ann", "Ann"), chat.registerUser("bob", "Bob")]);
    const roomName = `e2e room ${Date.now()}`;
    const room = await chat.api(ann.accessToken).POST("/chat/v1/rooms", { body: { name: roomName } });
    expect(room.response.status).toBe(201);
    const invite = await chat
      .api(ann.accessToken)
      .POST("/chat/v1/rooms/{id}/members", { params: { path: { id: room.data!.id } }, body: { email: bob.email } });
    expect(invite.response.status).toBe(201);
    expect(invite.data).toEqual({ userId: bob.user.id, name: "Bob", role: "member", joinedAt: expect.any(String) });

    const a = await chat.openChat(ann);
    const b = await chat.openChat(bob);
    await enterRoom(a.page, roomName);
    await enterRoom(b.page, roomName);

    // presence: each sees both; typing: Bob sees Ann typing before her message arrives
    await expect.poll(() => a.page.textContent("#presence")).toMatch(/^Online: .+, .+$/);
    await expect.poll(() => b.page.textContent("#presence")).toMatch(/^Online: .+, .+$/);
    await a.page.fill("#composer input[name=text]", "hello");
    await expect.poll(() => b.page.textContent("#typing")).toMatch(/ is typing…$/);
    await send(a.page, "hello from Ann");
    await expect.poll(() => shownTexts(b.page)).toEqual(["hello from Ann"]);
    await send(b.page, "hi Ann, Bob here");
    await expect.poll(() => shownTexts(a.page)).toEqual(["hello from Ann", "hi Ann, Bob here"]);
    expect(await a.page.textContent("#messages li:first-child .author")).toBe("You");
    expect(await b.page.textContent("#messages li:first-child .author")).toBe("Ann");
    expect(await a.page.textContent("#messages li:last-child .author")).toBe("Bob");

    // Bob reloads while Ann keeps talking. His new page is held before it may reconnect (its ticket
    // request waits) until Ann has sent more, so at least those exist only on the server: they must
    // come back through `since`, after what the page kept, once each.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await b.page.route("**/chat/v1/rooms/*/ticket", async (route) => {
      await gate;
      await route.continue();
    });
    const sockets: string[] = [];
    b.page.on("websocket", (ws) => sockets.push(ws.url()));
    const during = Array.from({ length: 5 }, (_, i) => `while Bob reloads ${i + 1}`);
    await Promise.all([
      b.page.reload(),
      (async () => {
        for (const text of during.slice(0, 3)) await send(a.page, text);
      })(),
    ]);
    for (const text of during.slice(3)) await send(a.page, text);
    await expect.poll(() => pendingCount(a.page)).toBe(0);
    // the reloaded page shows at once what it had kept in the tab's storage (at least the first two;
    // the old page may have seen some of Ann's first sends before it unloaded), while still offline
    const all = ["hello from Ann", "hi Ann, Bob here", ...during, "after the reload"];
    const kept = await shownTexts(b.page);
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.length).toBeLessThanOrEqual(5);
    expect(kept).toEqual(all.slice(0, kept.length));
    expect(await b.page.getAttribute("#connection", "data-status")).not.toBe("online");
    const keptUpTo = Math.max(...(await shownSeqs(b.page)));
    release();
    await b.page.waitForSelector("#connection[data-status=online]");
    expect(new URL(sockets.at(-1)!).searchParams.get("since")).toBe(String(keptUpTo));
    await b.page.unroute("**/chat/v1/rooms/*/ticket");
    await send(a.page, "after the reload");
    await expect.poll(() => shownTexts(b.page)).toEqual(all);
    await expect.poll(() => shownTexts(a.page)).toEqual(all);
    await expect.poll(() => pendingCount(a.page)).toBe(0);

    const seqs = await shownSeqs(b.page);
    expect(seqs).toEqual(await shownSeqs(a.page));
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);

    // and the room is still live for Bob after his reload
    await send(b.page, "still here");
    await expect.poll(() => shownTexts(a.page)).toEqual([...all, "still here"]);

    // an access token that no longer works (as after its 15 minutes) is refreshed once, transparently
    await b.page.evaluate(() => {
      const session = JSON.parse(sessionStorage.getItem("chat:session")!);
      sessionStorage.setItem("chat:session", JSON.stringify({ ...session, accessToken: "expired" }));
    });
    const refreshed = b.page.waitForResponse((res) => res.url().endsWith("/auth/v1/refresh") && res.status() === 200);
    await b.page.reload();
    await refreshed;
    await b.page.waitForSelector("#connection[data-status=online]");
    await send(b.page, "after a refresh");
    await expect.poll(() => shownTexts(a.page)).toEqual([...all, "still here", "after a refresh"]);
    await expect.poll(() => shownTexts(b.page)).toEqual([...all, "still here", "after a refresh"]);

    // 401s of the expired token are expected console noise; nothing else may be logged
    expect(a.problems).toEqual([]);
    expect(b.problems.filter((p) => !p.includes("401"))).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("adds a member and opens a direct conversation by email through the page, and shows names", async () => {
    const [ivy, jon] = await Promise.all([chat.registerUser("ivy", "Ivy"), chat.registerUser("jon", "Jon")]);
    const roomName = `e2e names ${Date.now()}`;
    const i = await chat.openChat(ivy);
    await i.page.fill("#create-room-form input[name=name]", roomName);
    await i.page.click("#create-room-form button");
    await i.page.waitForSelector("#connection[data-status=online]");
    await expect.poll(() => i.page.textContent("#members")).toBe("Members: You (owner)");

    // an email nobody has: refused, nobody added
    await i.page.fill("#invite-form input[name=who]", "nobody-at-all@example.com");
    await i.page.click("#invite-form button");
    await expect.poll(() => i.page.textContent("#notice")).toBe("Could not add the member: No such user");
    await i.page.fill("#invite-form input[name=who]", jon.email.toUpperCase());
    await i.page.click("#invite-form button");
    await expect.poll(() => i.page.textContent("#notice")).toBe("Added Jon");
    await expect.poll(() => i.page.textContent("#members")).toBe("Members: You (owner), Jon");

    const j = await chat.openChat(jon);
    await enterRoom(j.page, roomName);
    expect(await j.page.textContent("#members")).toBe("Members: Ivy (owner), You");
    await send(j.page, "hi from Jon");
    await expect.poll(() => shownTexts(i.page)).toEqual(["hi from Jon"]);
    expect(await i.page.textContent("#messages li:first-child .author")).toBe("Jon");

    // a direct conversation by email: named after the other person
    await i.page.fill("#dm-form input[name=who]", jon.email);
    await i.page.click("#dm-form button");
    await expect.poll(() => i.page.textContent("#room-title")).toBe("Direct: Jon");
    await i.page.waitForSelector("#connection[data-status=online]");
    await send(i.page, "just us");
    const rooms = await chat.api(jon.accessToken).GET("/chat/v1/rooms");
    const dm = rooms.data!.items.find((r) => r.kind === "dm");
    expect(dm?.members.map((m) => m.name).sort()).toEqual(["Ivy", "Jon"]);
    expect(JSON.stringify(rooms.data)).not.toContain("@example.com");

    // the refused invite is the only failed request
    expect(i.problems.filter((p) => !p.includes("422"))).toEqual([]);
    expect(j.problems).toEqual([]);
    await Promise.all([i.context.close(), j.context.close()]);
  });

  it("a first visit shows the newest 50 messages and loads older ones on demand", async () => {
    const users = await Promise.all(["dee", "eve", "fay"].map((n) => chat.registerUser(n, n)));
    const [dee, eve, fay] = users as [Registered, Registered, Registered];
    const roomName = `e2e history ${Date.now()}`;
    const room = await chat
      .api(dee.accessToken)
      .POST("/chat/v1/rooms", { body: { name: roomName, memberIds: [eve.user.id, fay.user.id] } });
    expect(room.response.status).toBe(201);
    // 57 messages from Node, 19 per member (a member may post 20 per 10 s)
    for (const [u, user] of [dee, eve, fay].entries()) {
      const { ws } = await chat.openSocket(user, room.data!.id);
      for (let i = 0; i < 19; i++) {
        const acked = new Promise<void>((resolve) => {
          const onFrame = (data: WebSocket.RawData) => {
            if (JSON.parse(String(data)).type !== "ack") return;
            ws.off("message", onFrame);
            resolve();
          };
          ws.on("message", onFrame);
        });
        ws.send(JSON.stringify({ type: "message", clientId: `h-${u}-${i}`, text: `m${u * 19 + i + 1}` }));
        await acked;
      }
      ws.close();
    }
    const all = Array.from({ length: 57 }, (_, i) => `m${i + 1}`);
    const f = await chat.openChat(fay);
    await enterRoom(f.page, roomName);
    await expect.poll(() => shownTexts(f.page)).toEqual(all.slice(-50));
    await f.page.click("#older");
    await expect.poll(() => shownTexts(f.page)).toEqual(all);
    await expect.poll(() => f.page.isHidden("#older")).toBe(true);
    expect(f.problems).toEqual([]);
    await f.context.close();
  });

  it("frames a client sends back to back are applied in the order they were sent", async () => {
    const ivy = await chat.registerUser("ivy", "Ivy");
    const room = await chat.api(ivy.accessToken).POST("/chat/v1/rooms", { body: { name: `e2e order ${Date.now()}` } });
    expect(room.response.status).toBe(201);
    const { ws, frames } = await chat.openSocket(ivy, room.data!.id);
    await expect.poll(() => frames.some((f) => f.type === "ready")).toBe(true);
    ws.send(JSON.stringify({ type: "message", clientId: "order-1", text: "draft" }));
    await expect.poll(() => frames.find((f) => f.type === "ack")).toBeTruthy();
    const messageId = frames.find((f) => f.type === "ack")!.id;
    // twelve edits in one burst (the member's bucket allows 20 changes per 10 s): the last one sent is the text kept
    const texts = Array.from({ length: 12 }, (_, i) => `draft v${i + 1}`);
    for (const text of texts) ws.send(JSON.stringify({ type: "edit", messageId, text }));
    await expect.poll(() => frames.filter((f) => f.type === "edited").length).toBe(texts.length);
    const edits = frames.filter((f) => f.type === "edited");
    expect(edits.map((f) => f.text)).toEqual(texts);
    expect(edits.map((f) => f.seq)).toEqual(texts.map((_, i) => (edits[0]?.seq ?? 0) + i));
    const page = await chat.api(ivy.accessToken).GET("/chat/v1/rooms/{id}/messages", { params: { path: { id: room.data!.id } } });
    expect(page.data?.items.map((m) => m?.text)).toEqual(["draft v12"]);
    ws.close();
  });

  it("a dropped connection comes back with what was missed, and sends what was typed while offline", async () => {
    const [gil, hal] = await Promise.all([chat.registerUser("gil", "Gil"), chat.registerUser("hal", "Hal")]);
    const roomName = `e2e drop ${Date.now()}`;
    const room = await chat.api(gil.accessToken).POST("/chat/v1/rooms", { body: { name: roomName, memberIds: [hal.user.id] } });
    expect(room.response.status).toBe(201);
    const g = await chat.openChat(gil);
    // Hal's sockets go through Playwright, so the test can cut them like a network drop would
    const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    const h = await chat.openChat(hal, (page) =>
      page.routeWebSocket(/\/chat\/v1\/rooms\/[^/]+\/ws/, (ws) => {
        sockets.push({ page: ws, server: ws.connectToServer() });
      }),
    );
    await enterRoom(g.page, roomName);
    await enterRoom(h.page, roomName);
    await send(g.page, "one");
    await expect.poll(() => shownTexts(h.page)).toEqual(["one"]);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await h.page.route("**/chat/v1/rooms/*/ticket", async (route) => {
      await gate;
      await route.continue();
    });
    const first = sockets.at(-1)!;
    await first.server.close();
    await first.page.close({ code: 4001, reason: "network drop" });
    await h.page.waitForSelector("#connection:not([data-status=online])");
    await send(h.page, "typed offline");
    expect(await pendingCount(h.page)).toBe(1);
    await send(g.page, "two");
    await send(g.page, "three");
    await expect.poll(() => pendingCount(g.page)).toBe(0);
    release();

    const all = ["one", "two", "three", "typed offline"];
    await expect.poll(() => shownTexts(h.page)).toEqual(all);
    await expect.poll(() => shownTexts(g.page)).toEqual(all);
    await expect.poll(() => pendingCount(h.page)).toBe(0);
    expect(sockets.length).toBe(2);

    // user text is text: markup arrives as characters, never as elements
    const hostile = `<img src=x onerror="document.body.dataset.pwned='1'"><b>bold</b>`;
    await send(g.page, hostile);
    await expect.poll(async () => (await shownTexts(h.page)).at(-1)).toBe(hostile);
    expect(await h.page.$$eval("#messages img, #messages b", (els) => els.length)).toBe(0);
    expect(await h.page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
    expect(new URL(sockets[1]!.page.url()).searchParams.get("since")).toBe(String((await shownSeqs(g.page))[0]));

    expect(g.problems).toEqual([]);
    expect(h.problems).toEqual([]);
    await Promise.all([g.context.close(), h.context.close()]);
  });
});
