import { describe, expect, it } from "vitest";
import { call, connect, createRoom, eventually, newUser } from "./helpers";
import { recorded, subscribe } from "./push-helpers";

describe("Web Push delivery", () => {
  it("an offline member's subscriptions get an encrypted VAPID push; the outbox marks it pushed", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const path = `/push/${bob.id}`;
    await subscribe(bob, path);
    const a = await connect(alice, room.id);
    await a.post("ping bob");
    const push = await eventually(async () => (await recorded()).find((r) => r.path === path));
    expect(push.headers["content-encoding"]).toBe("aes128gcm");
    expect(push.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    expect(push.headers.ttl).toBeDefined();
    expect(push.bytes).toBeGreaterThan(86); // header (86 bytes) + ciphertext: the payload is never sent in clear
    await eventually(async () => {
      const box = (await (await call("GET", `/dev/outbox?userId=${bob.id}`)).json()) as { items: { pushed: boolean }[] };
      return box.items[0]?.pushed === true ? true : undefined;
    });
    await a.close();
  });

  it("a subscription the push service reports gone (410) is removed", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const room = await createRoom(alice, [bob]);
    const path = `/gone/${bob.id}`;
    const endpoint = await subscribe(bob, path);
    const endpoints = async () =>
      ((await (await call("GET", "/push/subscriptions", bob.token)).json()) as { items: { endpoint: string }[] }).items.map(
        (s) => s.endpoint,
      );
    // stored first, so the empty list at the end can only come from the 410
    expect(await endpoints()).toEqual([endpoint]);
    const a = await connect(alice, room.id);
    await a.post("are you still subscribed?");
    await eventually(async () => (await recorded()).find((r) => r.path === path));
    await eventually(async () => ((await endpoints()).length === 0 ? true : undefined));
    await a.close();
  });

  it("the VAPID public key is served for PushManager.subscribe", async () => {
    const alice = await newUser();
    const body = (await (await call("GET", "/push/vapid-public-key", alice.token)).json()) as { publicKey: string };
    expect(body.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
  });
});
