import { toBase64Url } from "@edgeworks/auth";
import { expect, inject } from "vitest";
import { call, type User } from "./helpers";

/** A request the fake push service (test/fake-push-service.ts) received. */
export type Recorded = { path: string; headers: Record<string, string>; bytes: number };

/** Every request the fake push service has received in this run. */
export const recorded = async (): Promise<Recorded[]> => (await (await fetch(`${inject("pushUrl")}/requests`)).json()) as Recorded[];

/** Registers a browser-like subscription (a P-256 ECDH key and a 16-byte auth secret) at `path` of the fake push service. */
export async function subscribe(user: User, path: string): Promise<string> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const p256dh = toBase64Url(new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer));
  const auth = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  const endpoint = `${inject("pushUrl")}${path}`;
  const res = await call("POST", "/push/subscriptions", user.token, { endpoint, keys: { p256dh, auth } });
  expect(res.status).toBe(201);
  return endpoint;
}
