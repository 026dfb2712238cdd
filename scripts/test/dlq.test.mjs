import { serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { decodeBody, isParkedInvalid, queuesApi, redrive, redrivePlan, resolveQueue } from "../dlq.mjs";

const dlqs = [
  { queue: "edgeworks-link-clicks", dlq: "edgeworks-link-clicks-dlq", worker: "edgeworks-links", consumed: false },
  { queue: "edgeworks-chat-notify", dlq: "edgeworks-chat-notify-dlq", worker: "edgeworks-chat", consumed: false },
];
const json = (id, body) => ({
  id,
  lease_id: `lease-${id}`,
  attempts: 1,
  body: JSON.stringify(body),
  metadata: { "CF-Content-Type": "json" },
});

describe("pnpm dlq", () => {
  it("finds a DLQ by its queue, itself, or the short name", () => {
    expect(resolveQueue(dlqs, "link-clicks").dlq).toBe("edgeworks-link-clicks-dlq");
    expect(resolveQueue(dlqs, "edgeworks-chat-notify-dlq").queue).toBe("edgeworks-chat-notify");
    expect(() => resolveQueue(dlqs, "nope")).toThrow(/known: edgeworks-link-clicks/);
  });

  it("decodes json, text and v8 bodies; an unreadable one is not redriven", () => {
    expect(decodeBody(json("1", { a: 1 }))).toEqual({ ok: true, body: { a: 1 } });
    expect(decodeBody({ body: "hi", metadata: { "CF-Content-Type": "text" } })).toEqual({ ok: true, body: "hi" });
    const v8 = serialize({ slug: "abc", at: 1 }).toString("base64");
    expect(decodeBody({ body: v8, metadata: { "CF-Content-Type": "v8" } })).toEqual({ ok: true, body: { slug: "abc", at: 1 } });
    expect(decodeBody({ body: "not v8", metadata: { "CF-Content-Type": "v8" } }).ok).toBe(false);
  });

  it("keeps the bodies packages/queue parked as invalid on the DLQ", () => {
    const parked = { consumer: "chat-notify", messageId: "m1", issues: [{ path: ["roomId"], message: "Required" }], body: {} };
    expect(isParkedInvalid(parked)).toBe(true);
    expect(isParkedInvalid({ roomId: "r" })).toBe(false);
    const plan = redrivePlan([json("1", { roomId: "r" }), json("2", parked)]);
    expect(plan.send.map((s) => s.message.id)).toEqual(["1"]);
    expect(plan.keep[0].reason).toMatch(/invalid for chat-notify/);
  });

  it("redrives over the Queues HTTP API: sends to the source queue, then acks on the DLQ, until empty", async () => {
    const calls = [];
    const batches = [[json("1", { a: 1 }), json("2", { consumer: "x", messageId: "2", issues: [], body: 1 })], []];
    const fetch = async (url, init = {}) => {
      const path = url.replace("https://api.cloudflare.com/client/v4/accounts/acc/queues", "");
      calls.push([init.method ?? "GET", path, init.body ? JSON.parse(init.body) : undefined, init.headers.authorization]);
      let result = null;
      if (path.startsWith("?name=")) {
        const name = decodeURIComponent(path.slice(6));
        result = [{ queue_name: name, queue_id: `id-${name}` }];
      } else if (path.endsWith("/messages/pull")) result = { messages: batches.shift() ?? [] };
      return new Response(JSON.stringify({ success: true, result }), { status: 200 });
    };
    const api = queuesApi({ accountId: "acc", token: "t0k", fetch });
    const out = await redrive(api, dlqs[0]);
    expect(out.sent).toBe(1);
    expect(out.kept.map((k) => k.message.id)).toEqual(["2"]);
    const writes = calls.filter((c) => c[0] === "POST" && !c[1].endsWith("/pull"));
    expect(writes).toEqual([
      ["POST", "/id-edgeworks-link-clicks/messages/batch", { messages: [{ body: { a: 1 }, content_type: "json" }] }, "Bearer t0k"],
      ["POST", "/id-edgeworks-link-clicks-dlq/messages/ack", { acks: [{ lease_id: "lease-1" }], retries: [] }, "Bearer t0k"],
    ]);
  });

  it("fails loudly on an API error", async () => {
    const fetch = async () =>
      new Response(JSON.stringify({ success: false, errors: [{ code: 10000, message: "Authentication error" }] }), { status: 403 });
    await expect(queuesApi({ accountId: "acc", token: "bad", fetch }).id("q")).rejects.toThrow(/403.*Authentication error/);
  });
});

describe("DLQs a Worker records itself (mail)", () => {
  it("lists and marks the mail Worker's dead letters with wrangler d1 execute", async () => {
    const { recordedDlqCommand } = await import("../dlq.mjs");
    const list = recordedDlqCommand("edgeworks-mail-dlq", "workers/mail/wrangler.toml");
    expect(list.slice(0, 7)).toEqual(["d1", "execute", "edgeworks-mail", "--remote", "--json", "-c", "workers/mail/wrangler.toml"]);
    expect(list.at(-1)).toMatch(/^SELECT .* FROM mail_dead_letters WHERE redriven_at IS NULL/);
    expect(recordedDlqCommand("edgeworks-mail-dlq", "workers/mail/wrangler.toml", true).at(-1)).toMatch(
      /^UPDATE mail_dead_letters SET redrive_requested_at = .* WHERE redriven_at IS NULL AND mail_id IS NOT NULL$/,
    );
    expect(recordedDlqCommand("edgeworks-link-clicks-dlq", "x")).toBeUndefined();
  });
});

describe("the parked-invalid shape", () => {
  it("is the one packages/queue's deadLetter sends (a drift check on its source)", async () => {
    const { readFileSync } = await import("node:fs");
    const source = readFileSync(new URL("../../packages/queue/src/deliveries.ts", import.meta.url), "utf8");
    const send = source.split("\n").find((l) => l.includes("dlq.send("));
    expect(send).toBeDefined();
    for (const field of ["consumer:", "messageId:", "issues", "body:"]) expect(send, field).toContain(field);
  });
});
