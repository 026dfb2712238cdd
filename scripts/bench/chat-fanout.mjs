// Chat fan-out: one room, 200 sockets, 50 messages/s sent by several members; measures the deliveries/s
// all sockets see and the send-to-receive latency, for the chat Worker and for a plain Node `ws`
// broadcast server (scripts/bench/chat-reference.mjs) driven by the same client harness in the same run.
// Used by scripts/bench.mjs (`pnpm bench`, or `pnpm bench --only chat` for this part alone).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { ROOT } from "../lib.mjs";
import { pool } from "./measure.mjs";

/** The goals: p99 under 50 ms and at least half the reference's delivery rate. */
export const FANOUT_GOAL = { maxP99: 50, minRatio: 0.5 };

const PASSWORD = "benchmark password";

async function call(origin, path, { token, json, method } = {}) {
  const res = await fetch(`${origin}${path}`, {
    method: method ?? (json === undefined ? "GET" : "POST"),
    headers: {
      ...(json === undefined ? {} : { "Content-Type": "application/json" }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method ?? "POST"} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const openSocket = (url) =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
    socket.once("unexpected-response", (_req, res) =>
      reject(new Error(`${url.replace(/ticket=[^&]+/, "ticket=…")}: HTTP ${res.statusCode}`)),
    );
  });

/** Waits until no socket has received anything for `quietMs` (the joins' presence frames have settled). */
async function settle(sockets, quietMs = 500, maxMs = 15_000) {
  let last = performance.now();
  const mark = () => {
    last = performance.now();
  };
  for (const s of sockets) s.on("message", mark);
  const start = performance.now();
  while (performance.now() - last < quietMs && performance.now() - start < maxMs) await new Promise((r) => setTimeout(r, 100));
  for (const s of sockets) s.off("message", mark);
}

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;

/**
 * The client harness: `senders` send `rate` messages/s in turn (`message {clientId, text}`, the send time
 * in the text) for `warmup` + `seconds`; every socket records each bench message it receives. Delivered
 * msgs/s counts receptions inside the measured window; latency is taken for every message sent in that
 * window, received until `drain` seconds after the last send (what never arrives is reported as lost).
 */
export async function fanout(sockets, senders, { rate, seconds, warmup, drain = 3 }) {
  const tag = Math.random().toString(36).slice(2, 8);
  const prefix = `bench ${tag} `;
  const latencies = new Float64Array(rate * (seconds + 1) * sockets.length);
  let samples = 0;
  let inWindow = 0;
  const errors = {};
  const t0 = performance.now();
  const tStart = t0 + warmup * 1000;
  const tEnd = tStart + seconds * 1000;
  const onMessage = (data) => {
    const now = performance.now();
    const frame = JSON.parse(String(data));
    if (frame.type === "error") errors[frame.code] = (errors[frame.code] ?? 0) + 1;
    if (frame.type !== "message" || typeof frame.text !== "string" || !frame.text.startsWith(prefix)) return;
    if (now >= tStart && now < tEnd) inWindow++;
    const [, , phase, , sentAt] = frame.text.split(" ");
    if (phase === "m" && samples < latencies.length) latencies[samples++] = now - Number(sentAt);
  };
  for (const s of sockets) s.on("message", onMessage);
  const total = rate * (warmup + seconds);
  let sent = 0;
  let measuredSent = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
      for (; sent < due; sent++) {
        const now = performance.now();
        const phase = now >= tStart ? "m" : "w";
        if (phase === "m") measuredSent++;
        const text = `${prefix}${phase} ${sent} ${now.toFixed(3)}`;
        senders[sent % senders.length].send(JSON.stringify({ type: "message", clientId: `${tag}-${sent}`, text }));
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  await new Promise((r) => setTimeout(r, drain * 1000));
  for (const s of sockets) s.off("message", onMessage);
  const sorted = latencies.subarray(0, samples).sort();
  return {
    delivered: inWindow / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    sent: measuredSent,
    received: samples,
    expected: measuredSent * sockets.length,
    errors,
  };
}

/** Starts the reference server in a child process; resolves to its ws:// URL and a stop function. */
function startReference() {
  const child = spawn(process.execPath, [join(ROOT, "scripts", "bench", "chat-reference.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the reference server exited with ${code}`)));
    child.stdout.on("data", (d) => {
      const port = /listening (\d+)/.exec(String(d))?.[1];
      if (port) resolve({ url: `ws://127.0.0.1:${port}/`, stop: () => child.kill("SIGTERM") });
    });
  });
}

/** Registers `users` accounts through `authOrigin` (the front door); returns their ids, emails and tokens. */
export async function benchUsers(authOrigin, users) {
  const run = Date.now().toString(36);
  return pool(
    Array.from({ length: users }, (_, i) => i),
    4,
    async (i) => {
      const email = `fanout-${run}-${i}@example.com`;
      const s = await call(authOrigin, "/auth/v1/register", { json: { email, password: PASSWORD, name: `Fan-out ${i}` } });
      return { id: s.user.id, email, token: s.accessToken };
    },
  );
}

/** A fresh room owned by the first user with every other user as a member, and `sockets` open on it. */
async function chatSockets(origin, users, sockets) {
  const [owner, ...rest] = users;
  const room = await call(origin, "/chat/v1/rooms", {
    token: owner.token,
    json: { name: `fan-out ${Date.now()}`, memberIds: rest.map((u) => u.id) },
  });
  const wsOrigin = origin.replace(/^http/, "ws");
  return pool(
    Array.from({ length: sockets }, (_, i) => i),
    10,
    async (i) => {
      const user = users[i % users.length];
      const { ticket } = await call(origin, `/chat/v1/rooms/${room.id}/ticket`, { token: user.token, method: "POST" });
      return openSocket(`${wsOrigin}/chat/v1/rooms/${room.id}/ws?ticket=${encodeURIComponent(ticket)}`);
    },
  );
}

function closeAll(sockets) {
  return Promise.all(
    sockets.map(
      (s) =>
        new Promise((resolve) => {
          if (s.readyState === WebSocket.CLOSED) return resolve();
          s.once("close", resolve);
          s.close();
        }),
    ),
  );
}

/**
 * Measures the reference and each chat target (`{name, origin}`: the front door or the chat Worker's own
 * socket) with the same users, one room per target. One sender per user (the user's first socket): a
 * room allows a member 20 messages per 10 s (src/do/rate-bucket.ts), so 40 senders at 1.25/s each keep
 * that limit out of what is measured.
 */
export async function benchChatFanout({ targets, authOrigin, sockets = 200, users = 40, rate = 50, seconds = 15, warmup = 3 }) {
  const opts = { rate, seconds, warmup };
  const rows = [];
  const load = loadavg()[0]; // the machine may be shared: latencies under load are not comparable
  const reference = await startReference();
  try {
    const socks = await pool(
      Array.from({ length: sockets }, (_, i) => i),
      10,
      () => openSocket(reference.url),
    );
    await settle(socks);
    rows.push({ name: "reference: Node `ws` broadcast server", ...(await fanout(socks, socks.slice(0, users), opts)) });
    await closeAll(socks);
  } finally {
    reference.stop();
  }
  const people = targets.length ? await benchUsers(authOrigin, users) : [];
  for (const t of targets) {
    const socks = await chatSockets(t.origin, people, sockets);
    await settle(socks);
    rows.push({ name: t.name, ...(await fanout(socks, socks.slice(0, users), opts)) });
    await closeAll(socks);
  }
  const ref = rows[0].delivered;
  return {
    config: { sockets, users, rate, seconds, warmup, load },
    rows: rows.map((r, i) =>
      i === 0 ? r : { ...r, ratio: r.delivered / ref, met: r.p99 < FANOUT_GOAL.maxP99 && r.delivered / ref >= FANOUT_GOAL.minRatio },
    ),
  };
}

/** The results as a Markdown section for bench/results.md. */
export function fanoutMarkdown({ config, rows }, setup) {
  const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "–");
  const lines = [
    "## Chat fan-out",
    "",
    `${new Date().toISOString()} · ${setup} · load average ${config.load.toFixed(1)} on ${cpus().length} cores at the start · one room, ${config.sockets} sockets (${config.users} users × ${config.sockets / config.users}), ` +
      `${config.rate} messages/s sent by ${config.users} members in turn, ${config.seconds} s after a ${config.warmup} s warm-up. ` +
      "Delivered = bench messages received by all sockets per second; latency = receive − send time on this machine, for every delivery " +
      `of a message sent in the measured window. Goal: p99 < ${FANOUT_GOAL.maxP99} ms and ≥ ${FANOUT_GOAL.minRatio}× the reference's delivered rate. ` +
      "The p99 follows other load on the machine (the load average above): compare rows of one run, and rerun on a quiet machine.",
    "",
    "| target | delivered msgs/s | × reference | p50 ms | p99 ms | max ms | received / expected | errors | goal met |",
    "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ...rows.map((r) => {
      const errors =
        Object.entries(r.errors)
          .map(([k, v]) => `${k}: ${v}`)
          .join(", ") || "none";
      const goal = r.ratio === undefined ? "(reference)" : r.met ? "yes" : "NO";
      return `| ${r.name} | ${f(r.delivered, 0)} | ${r.ratio === undefined ? "1.00" : f(r.ratio, 2)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${r.received} / ${r.expected} | ${errors} | ${goal} |`;
    }),
    "",
  ];
  return lines.join("\n");
}

/** Replaces the "## Chat fan-out" section of bench/results.md (or appends it), keeping everything else. */
export function writeFanoutSection(section) {
  const file = join(ROOT, "bench", "results.md");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const start = current.indexOf("## Chat fan-out");
  if (start === -1) return writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
  const after = current.indexOf("\n## ", start + 1);
  writeFileSync(file, `${current.slice(0, start)}${section}${after === -1 ? "" : current.slice(after + 1)}`);
}
