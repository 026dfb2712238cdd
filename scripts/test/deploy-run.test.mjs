import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploy, readWorkers, settingsFrom } from "../deploy.mjs";

// The executor end to end against a fake Cloudflare account that behaves like wrangler's commands (JSON, the
// queues table, "does not exist" errors) and checks what a real deploy would refuse: a config whose ids are
// not the account's, a service binding to a Worker not deployed yet.
const settings = settingsFrom(
  { domain: "api.example.com", shortLinkHost: "ex.am" },
  {
    MAIL_FROM: "no-reply@api.example.com",
    STRIPE_SECRET_KEY: "sk_live_x",
    STRIPE_WEBHOOK_SECRET: "whsec_x",
    STRIPE_WEBHOOK_SECRET_COMMERCE_PAYMENTS: "whsec_y",
    JOBS_SIGNING_SECRET: "jobs-signing-x",
  },
);
let root;
let readConfig;

beforeAll(async () => {
  const { experimental_readRawConfig } = await import("wrangler");
  root = mkdtempSync(join(tmpdir(), "deploy-run-"));
  readConfig = (base, configPath) => experimental_readRawConfig({ config: join(base, configPath) }).rawConfig;
  for (const w of await readWorkers()) {
    mkdirSync(join(root, dirname(w.configPath)), { recursive: true });
    writeFileSync(join(root, w.configPath), w.text);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fake account whose wrangler runs in `base` (default: the shared copy made in beforeAll). */
function fakeAccount(base) {
  const parse = (configPath) => readConfig(base ?? root, configPath);
  const state = { d1: [], kv: [], queues: [], r2: [], secrets: {}, deployed: [], pull: [], migrated: [], calls: [] };
  let n = 0;
  const fail = (message) => {
    const err = new Error(message);
    err.output = message;
    throw err;
  };
  const run = (args) => {
    state.calls.push(args.join(" "));
    const [a, b, c] = args;
    const flag = (name) => args[args.indexOf(name) + 1];
    if (a === "d1" && b === "list") return JSON.stringify(state.d1);
    if (a === "kv" && c === "list") return JSON.stringify(state.kv);
    if (a === "r2" && c === "list")
      return `Listing buckets...\n${state.r2.map((x) => `name:           ${x}\ncreation_date:  2026-12-05\n`).join("\n")}`;
    if (a === "queues" && b === "list") {
      if (flag("--page") !== "1" || state.queues.length === 0) return "";
      const row = (cells) => `│ ${cells.join(" │ ")} │`;
      return [
        "┌─┐",
        row(["id", "name", "created_on", "modified_on", "producers", "consumers"]),
        ...state.queues.map((q) => row([q.id, q.name, "x", "x", "0", String(q.consumers)])),
        "└─┘",
      ].join("\n");
    }
    if (a === "secret" && b === "list") {
      const { name } = parse(flag("-c"));
      if (!state.deployed.includes(name)) fail("✘ [ERROR] This Worker does not exist on your account. [code: 10007]");
      return JSON.stringify((state.secrets[name] ?? []).map((s) => ({ name: s, type: "secret_text" })));
    }
    if (b === "create" || c === "create") {
      const name = args.at(-1);
      const list = { d1: state.d1, kv: state.kv, queues: state.queues, r2: state.r2 }[a];
      if (list.some((x) => (x.name ?? x.title ?? x) === name)) fail(`✘ [ERROR] ${name} already exists`);
      n++;
      if (a === "d1") list.push({ name, uuid: `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, "0")}` });
      else if (a === "kv") list.push({ title: name, id: `${"b".repeat(28)}${String(n).padStart(4, "0")}` });
      else if (a === "queues") list.push({ name, id: `q${n}`, consumers: 0 });
      else list.push(name);
      return "✨ Created";
    }
    if (a === "queues" && b === "consumer") {
      const q = state.queues.find((x) => x.name === args[4]);
      if (!q || q.consumers > 0) fail("✘ [ERROR] the queue has a consumer already");
      q.consumers++;
      state.pull.push(args[4]);
      return "Added";
    }
    if (a === "d1" && b === "migrations") {
      const name = args[3]; // d1 migrations apply <name>
      const db = parse(flag("-c")).d1_databases.find((d) => d.database_name === name);
      if (state.d1.find((d) => d.name === name)?.uuid !== db.database_id) fail(`✘ [ERROR] database ${db.database_id} not found`);
      state.migrated.push(name);
      return "Migrations applied";
    }
    if (a === "deploy") {
      const config = parse(flag("-c"));
      for (const db of config.d1_databases ?? []) {
        if (state.d1.find((d) => d.name === db.database_name)?.uuid !== db.database_id) fail(`✘ [ERROR] D1 ${db.database_id} not found`);
      }
      for (const ns of config.kv_namespaces ?? []) if (!state.kv.some((k) => k.id === ns.id)) fail(`✘ [ERROR] KV ${ns.id} not found`);
      for (const s of config.services ?? []) if (!state.deployed.includes(s.service)) fail(`✘ [ERROR] service ${s.service} not found`);
      for (const q of [...(config.queues?.producers ?? []), ...(config.queues?.consumers ?? [])]) {
        if (!state.queues.some((x) => x.name === q.queue)) fail(`✘ [ERROR] queue ${q.queue} not found`);
      }
      if (!state.deployed.includes(config.name)) {
        for (const q of config.queues?.consumers ?? []) state.queues.find((x) => x.name === q.queue).consumers++;
        state.deployed.push(config.name);
      }
      if (args.includes("--secrets-file")) {
        const secrets = JSON.parse(readFileSync(flag("--secrets-file"), "utf8"));
        state.secrets[config.name] = [...new Set([...(state.secrets[config.name] ?? []), ...Object.keys(secrets)])];
        state.values = { ...state.values, ...secrets };
      }
      return `Uploaded ${config.name}\nDeployed ${config.name} triggers\n  https://${config.name}.example.workers.dev\n`;
    }
    return fail(`unexpected: wrangler ${args.join(" ")}`);
  };
  return { state, run };
}

describe("pnpm run deploy --only", () => {
  it("deploys the named Workers and makes only their secrets", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "deploy-only-"));
    try {
      for (const w of await readWorkers()) {
        mkdirSync(join(fresh, dirname(w.configPath)), { recursive: true });
        writeFileSync(join(fresh, w.configPath), w.text);
      }
      const { state, run } = fakeAccount(fresh);
      const result = await deploy({ root: fresh, run, settings, only: "accounts", log: () => {} });
      expect(result.deployed).toEqual(["edgeworks-accounts"]);
      expect(Object.keys(state.secrets)).toEqual(["edgeworks-accounts"]);
      // no VAPID public key written without its private half being uploaded
      expect((await readWorkers(fresh)).find((w) => w.config.name === "edgeworks-chat").config.vars.VAPID_PUBLIC_KEY).toBe("");
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe("pnpm run deploy against an empty account", () => {
  const account = fakeAccount();
  const logs = [];
  let first;

  it("creates everything, writes the ids, uploads the secrets, migrates and deploys in order", async () => {
    first = await deploy({ root, run: account.run, settings, log: (l) => logs.push(l) });
    const { state } = account;
    expect(first.refused).toBe(false);
    const workers = await readWorkers(root);
    for (const w of workers) {
      for (const db of w.config.d1_databases ?? []) expect(db.database_id).toBe(state.d1.find((d) => d.name === db.database_name).uuid);
    }
    expect(state.migrated.sort()).toEqual(state.d1.map((d) => d.name).sort());
    expect(state.deployed).toHaveLength(workers.length);
    expect(state.deployed.at(-1)).toBe("edgeworks-edge");
    expect(state.deployed.indexOf("edgeworks-accounts")).toBeLessThan(state.deployed.indexOf("edgeworks-todo"));
    expect(state.secrets["edgeworks-accounts"]).toContain("JWT_PRIVATE_KEYS");
    expect(state.secrets["edgeworks-chat"]).toContain("VAPID_PRIVATE_KEY");
    expect(JSON.parse(state.values.JWT_PRIVATE_KEYS)[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    const chat = workers.find((w) => w.config.name === "edgeworks-chat");
    expect(Buffer.from(chat.config.vars.VAPID_PUBLIC_KEY, "base64url")).toHaveLength(65);
    expect(state.calls.find((c) => c.startsWith("deploy -c wrangler.toml"))).toContain("--domain api.example.com");
    expect(state.calls.find((c) => c.startsWith("deploy -c workers/links/"))).toContain("--domain ex.am");
    for (const w of workers) expect(w.config.routes, w.configPath).toBeUndefined();
    expect(state.pull).toContain("edgeworks-link-clicks-dlq");
    expect(state.calls.filter((c) => c.startsWith("deploy -c workers/blog/")).at(-1)).toContain(
      "--var PUBLIC_ORIGIN:https://api.example.com",
    );
  });

  it("never prints a private key", () => {
    const out = logs.join("\n");
    expect(out).not.toContain(account.state.values.VAPID_PRIVATE_KEY);
    expect(out).not.toContain(JSON.parse(account.state.values.JWT_PRIVATE_KEYS)[0].d);
    expect(out).toContain("https://api.example.com");
  });

  it("does nothing new on a second run: no creates, no config changes, no secrets; only migrate and redeploy", async () => {
    const before = account.state.calls.length;
    const texts = (await readWorkers(root)).map((w) => w.text);
    const second = await deploy({ root, run: account.run, settings, log: () => {} });
    expect(second.provision).toEqual([]);
    expect(second.wrote).toEqual([]);
    const calls = account.state.calls.slice(before);
    expect(calls.filter((c) => / create |consumer http add|--secrets-file/.test(c))).toEqual([]);
    expect((await readWorkers(root)).map((w) => w.text)).toEqual(texts);
    expect(second.deployed).toEqual(first.deployed);
  });

  it("refuses before touching anything when PUBLIC_ORIGIN would be empty", async () => {
    const before = account.state.calls.length;
    const refused = await deploy({ root, run: account.run, settings: settingsFrom({}, { MAIL_FROM: "a@b.c" }), log: () => {} });
    expect(refused.refused).toBe(true);
    expect(account.state.calls.slice(before).every((c) => / list/.test(c))).toBe(true);
  });
});
