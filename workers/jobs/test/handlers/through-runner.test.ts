import { env } from "cloudflare:test";
import { PhotonImage } from "@cf-wasm/photon";
import { createFakeNet, type FakeNet } from "@edgeworks/egress/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newQueue, ok, waitForState } from "../engine/helpers";

// The built-in handlers run by the real pipeline: submit to the queue's scheduler, dispatch on the
// jobs-run Cloudflare queue, the consumer (src/engine/runner.ts) with the Worker's own env (the
// test binding of JOBS_SIGNING_SECRET, CACHE, FILES, DB, MAIL_QUEUE), outcome recorded by the object.

let net: FakeNet;
beforeEach(() => {
  net = createFakeNet();
  vi.spyOn(globalThis, "fetch").mockImplementation(net.fetch);
});
afterEach(() => vi.restoreAllMocks());

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
async function hmac(secret: string, text: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
}

describe("built-in handlers through the runner", () => {
  it("http.request: a signed delivery completes with the upstream's answer as the result", async () => {
    const { stub } = await newQueue();
    net.upstreams.set("hooks.runner.example", () => Response.json({ ok: true }, { status: 201 }));
    const [submitted] = ok(
      await stub.submit([{ name: "http.request", payload: { url: "https://hooks.runner.example/in", body: { n: 1 } } }]),
    );
    const job = await waitForState(stub, submitted!.job.id, "completed", "dead");
    expect(job).toMatchObject({
      state: "completed",
      result: { status: 201, url: "https://hooks.runner.example/in", body: { ok: true }, truncated: false },
    });
    const [sent] = net.requests;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sent?.headers["x-edgeworks-signature"] ?? "") ?? [];
    expect(v1).toBe(await hmac("test-jobs-signing-secret", `${t}.{"n":1}`));
    expect(sent?.headers).toMatchObject({ "x-edgeworks-job-id": job.id, "idempotency-key": job.id });
    expect(job.logs.map((l) => l.line)).toEqual(["POST https://hooks.runner.example/in", "201 from https://hooks.runner.example/in"]);
  });

  it("http.request: a 404 goes to the DLQ at once although attempts are left; a 503 is retried", async () => {
    const { stub } = await newQueue();
    net.upstreams.set(
      "gone.runner.example",
      () => new Response("no such hook", { status: 404, headers: { "content-type": "text/plain" } }),
    );
    let calls = 0;
    net.upstreams.set("flaky.runner.example", () => new Response(null, { status: ++calls === 1 ? 503 : 200 }));
    const options = { attempts: 3, backoff: { type: "fixed" as const, delay: 100 } };
    const [gone, flaky] = ok(
      await stub.submit([
        { name: "http.request", payload: { url: "https://gone.runner.example/" }, ...options },
        { name: "http.request", payload: { url: "https://flaky.runner.example/" }, ...options },
      ]),
    );
    const dead = await waitForState(stub, gone!.job.id, "dead", "completed");
    expect(dead).toMatchObject({ state: "dead", attempts: { made: 1, max: 3 } });
    expect(dead.error?.message).toBe("POST https://gone.runner.example/ answered 404: no such hook");
    const retried = await waitForState(stub, flaky!.job.id, "completed", "dead");
    expect(retried).toMatchObject({ state: "completed", attempts: { made: 2, max: 3 }, result: { status: 200 } });
    expect(retried.attemptsLog[0]?.error?.message).toBe("POST https://flaky.runner.example/ answered 503");
  });

  it("http.request: a URL that resolves to the metadata address is dead without a request", async () => {
    const { stub } = await newQueue();
    net.zone.set("sneaky.runner.example", { A: ["169.254.169.254"] });
    net.upstreams.set("sneaky.runner.example", () => new Response("secrets"));
    const [submitted] = ok(
      await stub.submit([{ name: "http.request", payload: { url: "http://sneaky.runner.example/latest/" }, attempts: 3 }]),
    );
    const job = await waitForState(stub, submitted!.job.id, "dead", "completed");
    expect(job.attempts.made).toBe(1);
    expect(job.error?.message).toBe("sneaky.runner.example resolves to a private address (169.254.169.254)");
    expect(net.requests).toEqual([]);
  });

  it("email.send: completes with the message id; the email is in the outbox", async () => {
    const { stub } = await newQueue();
    const [submitted] = ok(
      await stub.submit([{ name: "email.send", payload: { to: "ada@example.com", subject: "Done", text: "Your export is ready." } }]),
    );
    const job = await waitForState(stub, submitted!.job.id, "completed", "dead");
    expect(job.result).toEqual({ messageId: `jobs/${job.id}` });
    const row = await env.DB.prepare("SELECT body FROM queue_outbox WHERE id = ?").bind(`mail:jobs/${job.id}`).first<{ body: string }>();
    expect(JSON.parse(row?.body as string)).toMatchObject({ to: "ada@example.com", subject: "Done", kind: "jobs-email" });
  });

  it("image.thumbnail: completes, the thumbnail is in R2; garbage is dead on the first attempt", async () => {
    const { stub } = await newQueue();
    const source = new PhotonImage(new Uint8Array(20 * 10 * 4).fill(200), 20, 10);
    const png = source.get_bytes();
    source.free();
    const [thumb, garbage] = ok(
      await stub.submit([
        { name: "image.thumbnail", payload: { image: btoa(String.fromCharCode(...png)), width: 10 } },
        { name: "image.thumbnail", payload: { image: btoa("definitely not an image"), width: 10 }, attempts: 3 },
      ]),
    );
    const done = await waitForState(stub, thumb!.job.id, "completed", "dead");
    expect(done.result).toMatchObject({ key: `thumbnails/${done.id}.png`, width: 10, height: 5, contentType: "image/png" });
    expect((await env.FILES.head(`thumbnails/${done.id}.png`))?.size).toBe((done.result as { bytes: number }).bytes);
    const dead = await waitForState(stub, garbage!.job.id, "dead", "completed");
    expect(dead).toMatchObject({ attempts: { made: 1, max: 3 }, error: { message: "Not a PNG or JPEG image" } });
  });
});
