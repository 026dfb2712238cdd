import { toBase64Url } from "@edgeworks/auth";
import { describe, expect, inject, it } from "vitest";
import { call, connect, createRoom, eventually, newUser, type User } from "./helpers";

type Recorded = { path: string; headers: Record<string, string>; bytes: number };
const recorded = async (): Promise<Recorded[]> => (await (await fetch(`${inject("pushUrl")}/requests`)).json()) as Recorded[];

/** A browser-like subscription: a P-256 ECDH public key and a 16-byte auth secret. */
async function subscribe(user: User, path: string) {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const p256dh = toBase64Url(new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer));
  const auth = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  const endpoint = `${inject("pushUrl")}${path}`;
  const res = await call("POST", "/push/subscriptions", user.token, { endpoint, keys: { p256dh, auth } });
  expect(res.status).toBe(201);
  return endpoint;
}

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
