// F4: a request with a body that the service refuses before reading it (role, params, auth) must come back as
// the service's 4xx problem every time, never as workerd's 503 "Your worker restarted mid-request" (a body
// streamed over the service binding while the service has already answered breaks the gateway's request).
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readBody } from "../src/proxy";
import { BASE, bearer, call, newUser } from "./helpers";

type Answer = { status: number; type: string | null; body: string };

async function send(method: string, path: string, token: string, body: unknown): Promise<Answer> {
  const res = await call(method, path, token, body);
  return { status: res.status, type: res.headers.get("Content-Type"), body: await res.text() };
}

function expectProblems(answers: Answer[], status: number) {
  const off = answers.filter((a) => a.status !== status || a.type !== "application/problem+json");
  expect(off.map((a) => `${a.status} ${a.type} ${a.body.slice(0, 80)}`)).toEqual([]);
  for (const a of answers) expect(JSON.parse(a.body)).toMatchObject({ status });
}

describe("a body the service refuses unread (through the gateway, real services)", () => {
  it("a customer creating a product: 50 sequential + 20 parallel POSTs are all 403 problems", async () => {
    const user = await newUser();
    const product = { sku: "F4-REFUSED", name: "refused", unitAmount: 100, currency: "usd", note: "x".repeat(4000) };
    const answers: Answer[] = [];
    for (let i = 0; i < 50; i++) answers.push(await send("POST", "/products", user.token, product));
    answers.push(...(await Promise.all(Array.from({ length: 20 }, () => send("POST", "/products", user.token, product)))));
    expectProblems(answers, 403);
  });

  it("cancelling an unknown order with a body: 50 sequential + 20 parallel are all 404 problems", async () => {
    const user = await newUser();
    const body = { reason: "y".repeat(4000) };
    const answers: Answer[] = [];
    for (let i = 0; i < 50; i++) answers.push(await send("POST", "/orders/ord_nope/cancel", user.token, body));
    answers.push(...(await Promise.all(Array.from({ length: 20 }, () => send("POST", "/orders/ord_nope/cancel", user.token, body)))));
    expectProblems(answers, 404);
  });

  it("the gateway has read the whole body (Content-Length, written in chunks) before it answers", async () => {
    const user = await newUser();
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    const head = new TextEncoder().encode('{"sku":"F4","pad":"');
    const tail = new TextEncoder().encode('"}');
    const chunks = 40;
    const size = head.length + chunks * chunk.length + tail.length;
    const { readable, writable } = new FixedLengthStream(size);
    const writer = writable.getWriter();
    let written = false;
    const writing = (async () => {
      await writer.write(head);
      for (let i = 0; i < chunks; i++) await writer.write(chunk);
      await writer.write(tail);
      await writer.close();
      written = true;
    })().catch(() => {});
    const res = await SELF.fetch(`${BASE}/products`, {
      method: "POST",
      headers: { ...bearer(user.token), "Content-Type": "application/json" },
      body: readable,
    });
    const writtenBeforeAnswer = written;
    const text = await res.text();
    if (!written) await writer.abort().catch(() => {});
    await writing;
    expect(res.status, text).toBe(403);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(writtenBeforeAnswer).toBe(true);
  });

  it("readBody: the whole body up to the limit; past it a 413 problem (no Content-Length to trust)", async () => {
    const streamOf = (n: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < n; i++) controller.enqueue(new Uint8Array(100).fill(65));
          controller.close();
        },
      });
    const post = (n: number) => new Request("http://x/", { method: "POST", body: streamOf(n) });
    expect(new TextDecoder().decode((await readBody(post(10), 1000)) ?? undefined)).toBe("A".repeat(1000));
    await expect(readBody(post(11), 1000)).rejects.toMatchObject({ status: 413, code: "payload_too_large" });
    expect(await readBody(new Request("http://x/"), 1000)).toBeNull();
  });
});
