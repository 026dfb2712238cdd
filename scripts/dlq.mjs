// `pnpm dlq`: reads the dead-letter queues on Cloudflare, and puts their messages back.
// Every queue consumer in the configs has a `dead_letter_queue`; after `max_retries` failed deliveries a
// message lands there. `pnpm run deploy` gives every DLQ that no Worker consumes an HTTP pull consumer
// (`wrangler queues consumer http add <dlq> --message-retries 100`), which this script pulls from over the
// Cloudflare Queues HTTP API.
//   pnpm dlq                          every DLQ in the configs and the queue it belongs to
//   pnpm dlq <queue> [--limit 20]     show what is on <queue>'s DLQ (nothing is removed; the messages are
//                                     leased for 10 s, and each look counts as one delivery attempt)
//   pnpm dlq <queue> --redrive        send every message back to <queue>, then remove it from the DLQ
// <queue> is a queue or its DLQ, with or without the `edgeworks-` prefix (e.g. `link-clicks`).
// Two kinds of message are never redriven: bodies that packages/queue's `deadLetter` parked
// (`{ consumer, messageId, issues, body }`: they failed the consumer's schema, so they would fail again) and
// bodies this script cannot decode (a Worker's default `v8` content type that Node cannot read); they stay
// on the DLQ, are listed, and leave after its retention period (or `wrangler queues purge <dlq>`).
// Needs CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (a token with Queues Edit: acks are writes).
// A DLQ that its Worker consumes and records in D1 (the mail Worker's `mail_dead_letters`) is read with
// `wrangler d1 execute` instead: `pnpm dlq mail` lists the dead letters, `--redrive` marks them and the
// Worker's cron sends them back (`wrangler login` is enough there).
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { deserialize } from "node:v8";
import { desiredResources, readWorkers } from "./deploy.mjs";
import { OFFLINE_ENV, ROOT, WRANGLER } from "./lib.mjs";

/**
 * DLQs a Worker consumes itself, recording each dead letter in its D1 (workers/mail: src/dead-letters.ts).
 * `pnpm dlq <queue>` lists those rows and `--redrive` marks them; the Worker's cron sends them back.
 */
export const RECORDED_DLQS = {
  "edgeworks-mail-dlq": {
    database: "edgeworks-mail",
    list:
      "SELECT id, mail_id, reason, datetime(received_at / 1000, 'unixepoch') AS received FROM mail_dead_letters " +
      "WHERE redriven_at IS NULL ORDER BY received_at DESC LIMIT 50",
    redrive: "UPDATE mail_dead_letters SET redrive_requested_at = unixepoch() * 1000 WHERE redriven_at IS NULL AND mail_id IS NOT NULL",
    note: "rows with mail_id NULL (not a valid email) are never redriven; the mail Worker's cron sends the marked ones within a minute",
  },
};

/** The wrangler command that reads (or, with `redrive`, marks) a recorded DLQ's dead letters. */
export function recordedDlqCommand(dlq, configPath, redrive = false) {
  const r = RECORDED_DLQS[dlq];
  if (!r) return undefined;
  return ["d1", "execute", r.database, "--remote", "--json", "-c", configPath, "--command", redrive ? r.redrive : r.list];
}

/** The DLQ of `name` (a queue, its DLQ, or either without the `edgeworks-` prefix) among the configs' consumers. */
export function resolveQueue(dlqs, name) {
  const candidates = [name, `edgeworks-${name}`];
  const hit = dlqs.find((d) => candidates.includes(d.queue) || candidates.includes(d.dlq));
  if (!hit) throw new Error(`no consumer in the configs has a queue or DLQ named ${name}; known: ${dlqs.map((d) => d.queue).join(", ")}`);
  return hit;
}

/**
 * A pulled message's body as the consumer would see it: `json` parsed, `text` as is, `v8` deserialized
 * when Node can read it. `{ ok: false }` when it cannot be decoded (then it is never redriven).
 */
export function decodeBody(message) {
  const type = message.metadata?.["CF-Content-Type"] ?? "json";
  try {
    if (type === "json") return { ok: true, body: JSON.parse(message.body) };
    if (type === "text") return { ok: true, body: message.body };
    if (type === "v8") return { ok: true, body: deserialize(Buffer.from(message.body, "base64")) };
  } catch {
    // falls through: undecodable
  }
  return { ok: false, reason: `a ${type} body this script cannot decode` };
}

/** A body packages/queue's `deadLetter` parked: it failed the consumer's schema, so a redrive would fail again. */
export function isParkedInvalid(body) {
  return (
    typeof body === "object" && body !== null && typeof body.consumer === "string" && "messageId" in body && Array.isArray(body.issues)
  );
}

/** Which pulled messages go back to the source queue (decoded bodies) and which stay, with why. */
export function redrivePlan(messages) {
  const send = [];
  const keep = [];
  for (const m of messages) {
    const decoded = decodeBody(m);
    if (!decoded.ok) keep.push({ message: m, reason: decoded.reason });
    else if (isParkedInvalid(decoded.body))
      keep.push({ message: m, reason: `invalid for ${decoded.body.consumer}: ${JSON.stringify(decoded.body.issues)}` });
    else send.push({ message: m, body: decoded.body });
  }
  return { send, keep };
}

/** The Cloudflare Queues HTTP API, through `fetch` (tests pass their own). */
export function queuesApi({ accountId, token, fetch: f = fetch }) {
  const base = `https://api.cloudflare.com/client/v4/accounts/${accountId}/queues`;
  const call = async (path, init = {}) => {
    const res = await f(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
    const data = await res.json();
    if (!res.ok || data.success === false)
      throw new Error(`${init.method ?? "GET"} queues${path}: ${res.status} ${JSON.stringify(data.errors ?? data)}`);
    return data.result;
  };
  return {
    /** The id of the queue named `name`. */
    async id(name) {
      const found = (await call(`?name=${encodeURIComponent(name)}`)).find((q) => q.queue_name === name);
      if (!found) throw new Error(`queue ${name} does not exist on this account (pnpm run deploy creates it)`);
      return found.queue_id;
    },
    /** Leases up to `batchSize` messages for `visibilityMs`. */
    async pull(id, batchSize, visibilityMs) {
      const result = await call(`/${id}/messages/pull`, {
        method: "POST",
        body: JSON.stringify({ batch_size: batchSize, visibility_timeout_ms: visibilityMs }),
      });
      return Array.isArray(result) ? result : (result?.messages ?? []);
    },
    /** Removes leased messages. */
    ack: (id, leaseIds) =>
      call(`/${id}/messages/ack`, {
        method: "POST",
        body: JSON.stringify({ acks: leaseIds.map((lease_id) => ({ lease_id })), retries: [] }),
      }),
    /** Sends bodies as JSON messages. */
    sendBatch: (id, bodies) =>
      call(`/${id}/messages/batch`, {
        method: "POST",
        body: JSON.stringify({ messages: bodies.map((body) => ({ body, content_type: "json" })) }),
      }),
  };
}

/**
 * Moves the DLQ's messages back to their queue: pull a batch, send the decodable ones to the source queue,
 * then ack those on the DLQ (a crash in between sends a message twice: consumers are idempotent), until a
 * pull comes back empty. Kept messages stay leased for the rest of the run and then reappear on the DLQ.
 */
export async function redrive(api, { queue, dlq }, { batchSize = 100, log = () => {} } = {}) {
  const [dlqId, queueId] = [await api.id(dlq), await api.id(queue)];
  let sent = 0;
  const kept = [];
  for (;;) {
    const messages = await api.pull(dlqId, batchSize, 5 * 60_000);
    if (messages.length === 0) break;
    const plan = redrivePlan(messages);
    if (plan.send.length) {
      await api.sendBatch(
        queueId,
        plan.send.map((s) => s.body),
      );
      await api.ack(
        dlqId,
        plan.send.map((s) => s.message.lease_id),
      );
      sent += plan.send.length;
      log(`redrove ${plan.send.length} to ${queue}`);
    }
    kept.push(...plan.keep);
  }
  return { sent, kept };
}

/** One line per pulled message, for `pnpm dlq <queue>`. */
export function describeMessage(m) {
  const decoded = decodeBody(m);
  const when = m.timestamp_ms ? new Date(Number(m.timestamp_ms)).toISOString() : "?";
  const body = decoded.ok ? JSON.stringify(decoded.body) : `(${decoded.reason})`;
  return `${m.id} sent ${when}, ${m.attempts ?? "?"} attempts${decoded.ok && isParkedInvalid(decoded.body) ? ", parked as invalid" : ""}: ${body.length > 300 ? `${body.slice(0, 300)}…` : body}`;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { redrive: { type: "boolean" }, limit: { type: "string", default: "20" } },
  });
  const workers = await readWorkers();
  const { dlqs } = desiredResources(workers);
  if (positionals.length === 0) {
    for (const d of dlqs)
      console.log(`${d.queue} → ${d.dlq} (${d.worker}${d.consumed ? "; recorded by the Worker that consumes it" : ""})`);
    console.log("\n`pnpm dlq <queue>` shows a DLQ's messages, `pnpm dlq <queue> --redrive` sends them back.");
    return;
  }
  const target = resolveQueue(dlqs, positionals[0]);
  if (target.consumed) {
    const consumer = workers.find((w) => (w.config.queues?.consumers ?? []).some((c) => c.queue === target.dlq));
    const args = consumer && recordedDlqCommand(target.dlq, consumer.configPath, values.redrive);
    if (!args)
      throw new Error(`${target.dlq} is consumed by ${consumer?.config.name ?? "a Worker"}, which reads it itself; see its README`);
    const res = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: OFFLINE_ENV, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`wrangler ${args.slice(0, 4).join(" ")} failed:\n${res.stderr || res.stdout}`);
    const [results] = JSON.parse(res.stdout.slice(res.stdout.indexOf("[")));
    if (values.redrive)
      console.log(`${results.meta?.changes ?? 0} dead letter(s) of ${target.dlq} marked for redrive; ${RECORDED_DLQS[target.dlq].note}`);
    else {
      console.log(`${target.dlq} (recorded by ${consumer.config.name}): ${results.results.length} dead letter(s) not yet redriven`);
      for (const row of results.results) console.log(`  ${JSON.stringify(row)}`);
    }
    return;
  }
  const accountId = process.env.CLOUDFLARE_ACCOUNT_ID;
  const token = process.env.CLOUDFLARE_API_TOKEN;
  if (!accountId || !token) throw new Error("set CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (a token with Queues Edit)");
  const api = queuesApi({ accountId, token });
  if (values.redrive) {
    const { sent, kept } = await redrive(api, target, { log: console.log });
    console.log(`${sent} message(s) sent back to ${target.queue}; ${kept.length} kept on ${target.dlq}`);
    for (const k of kept) console.log(`  kept ${k.message.id}: ${k.reason}`);
    return;
  }
  const messages = await api.pull(await api.id(target.dlq), Math.min(100, Math.max(1, Number(values.limit) || 20)), 10_000);
  console.log(`${target.dlq}: ${messages.length} message(s)${messages.length ? "" : " (empty)"}`);
  for (const m of messages) console.log(`  ${describeMessage(m)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
