import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deployOrder,
  describeAction,
  desiredResources,
  editConfigs,
  envSecret,
  parseQueuesTable,
  parseR2List,
  provisionPlan,
  readWorkers,
  releasePlan,
  setInArrayTable,
  setInTable,
  settingsFrom,
  settingsProblems,
} from "../deploy.mjs";

const settings = settingsFrom(
  { domain: "api.example.com", shortLinkHost: "ex.am" },
  {
    MAIL_FROM: "no-reply@example.com",
    STRIPE_SECRET_KEY: "sk_live_x",
    STRIPE_WEBHOOK_SECRET: "whsec_x",
    STRIPE_WEBHOOK_SECRET_COMMERCE_PAYMENTS: "whsec_y",
    JOBS_SIGNING_SECRET: "jobs-signing-x",
  },
);
let workers;
let tmp;
beforeAll(async () => {
  workers = await readWorkers();
  tmp = mkdtempSync(join(tmpdir(), "deploy-test-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Parses edited config text the way wrangler does (a temp file through its own reader). */
async function reparse(w, text) {
  const { experimental_readRawConfig } = await import("wrangler");
  const file = join(tmp, `${w.config.name}.toml`);
  writeFileSync(file, text);
  return { ...w, text, config: experimental_readRawConfig({ config: file }).rawConfig };
}

const worker = (name, extra = {}) => ({
  configPath: `workers/${name}/wrangler.toml`,
  text: "",
  config: { name: `edgeworks-${name}`, ...extra },
});
const uuid = (i) => `aaaaaaaa-bbbb-4ccc-8ddd-${String(i).padStart(12, "0")}`;

/** Everything the repo's configs ask for, as if it all existed under fresh ids (no secrets yet). */
function provisioned() {
  const want = desiredResources(workers);
  return {
    d1: [...new Set(want.d1.map((d) => d.name))].map((name, i) => ({ name, uuid: uuid(i) })),
    kv: want.kv.map((k, i) => ({ title: k.title, id: `${"f".repeat(28)}${String(i).padStart(4, "0")}` })),
    queues: want.queues.map((name) => ({ name, id: name, consumers: 1 })),
    r2: want.r2,
    secrets: {
      "edgeworks-accounts": ["JWT_PRIVATE_KEYS"],
      "edgeworks-chat": ["VAPID_PRIVATE_KEY"],
      "edgeworks-shop": ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"],
      "edgeworks-commerce-payments": ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"],
      "edgeworks-jobs": ["JOBS_SIGNING_SECRET"],
    },
  };
}

describe("the repo's configs", () => {
  it("give every queue consumer a dead-letter queue, and every DLQ a reader", () => {
    const want = desiredResources(workers);
    expect(want.problems).toEqual([]);
    expect(want.dlqs.length).toBeGreaterThanOrEqual(4);
    for (const d of want.dlqs) expect(want.queues).toContain(d.dlq);
    // a DLQ no Worker consumes gets a pull consumer (pnpm dlq reads it)
    const plan = provisionPlan(workers, { ...provisioned(), queues: [] }, settings);
    for (const d of want.dlqs.filter((x) => !x.consumed))
      expect(plan).toContainEqual({ type: "pull-consumer", queue: d.dlq, for: d.queue });
  });

  it("keep products off *.workers.dev and Workers Logs on everywhere", () => {
    for (const w of workers) {
      expect(w.config.observability?.enabled, w.configPath).toBe(true);
      if (!w.front) {
        expect(w.config.workers_dev, w.configPath).toBe(false);
        expect(w.config.preview_urls, w.configPath).toBe(false);
      }
    }
  });
});

describe("deploy order", () => {
  it("puts a Worker after the Workers it binds, and the front door last", () => {
    const order = deployOrder(workers).map((w) => w.config.name);
    expect(order).toHaveLength(workers.length);
    expect(order.at(-1)).toBe("edgeworks-edge");
    for (const w of workers) {
      for (const s of w.config.services ?? []) {
        if (order.includes(s.service))
          expect(order.indexOf(s.service), `${s.service} before ${w.config.name}`).toBeLessThan(order.indexOf(w.config.name));
      }
    }
    expect(order.indexOf("edgeworks-accounts")).toBeLessThan(order.indexOf("edgeworks-todo"));
  });

  it("derives the order from the bindings, not a list, and refuses a cycle", () => {
    const a = worker("a", { services: [{ binding: "B", service: "edgeworks-b" }] });
    const b = worker("b", {
      services: [
        { binding: "C", service: "edgeworks-c" },
        { binding: "X", service: "not-in-repo" },
      ],
    });
    const c = worker("c");
    expect(deployOrder([a, b, c]).map((w) => w.config.name)).toEqual(["edgeworks-c", "edgeworks-b", "edgeworks-a"]);
    const c2 = worker("c", { services: [{ binding: "A", service: "edgeworks-a" }] });
    expect(() => deployOrder([a, b, c2])).toThrow(/cycle/);
  });
});

describe("the plan", () => {
  it("on an empty account creates every database, namespace, queue, DLQ and bucket once and writes their ids", () => {
    const plan = provisionPlan(workers, { d1: [], kv: [], queues: [], r2: [], secrets: {} }, settings);
    const want = desiredResources(workers);
    const created = (kind) => plan.filter((a) => a.type === "create" && a.kind === kind).map((a) => a.name);
    expect(created("d1").sort()).toEqual([...new Set(want.d1.map((d) => d.name))].sort());
    expect(created("d1")).toContain("edgeworks-accounts");
    expect(created("kv")).toContain("edgeworks-links-LINK_CACHE");
    expect(created("queue")).toEqual(want.queues);
    expect(created("queue")).toContain("edgeworks-link-clicks-dlq");
    expect(created("r2")).toContain("edgeworks-chat-files");
    expect(plan.filter((a) => a.type === "write-id").length).toBe(want.d1.length + want.kv.length);
    expect(plan).toContainEqual(
      expect.objectContaining({ type: "secret", worker: "edgeworks-accounts", name: "JWT_PRIVATE_KEYS", source: "generated" }),
    );
    expect(plan).toContainEqual(
      expect.objectContaining({ type: "secret", worker: "edgeworks-chat", name: "VAPID_PRIVATE_KEY", publicVar: "VAPID_PUBLIC_KEY" }),
    );
  });

  it("deploys the front door on the domain and the links Worker on the short-link host, as --domain flags", () => {
    const deploys = releasePlan(workers, settings).filter((a) => a.type === "deploy");
    expect(deploys.find((a) => a.worker === "edgeworks-edge").domains).toEqual(["api.example.com"]);
    expect(deploys.find((a) => a.worker === "edgeworks-links").domains).toEqual(["ex.am"]);
    for (const a of deploys.filter((x) => !["edgeworks-edge", "edgeworks-links"].includes(x.worker)))
      expect(a.domains, a.worker).toEqual([]);
    // never in the configs: wrangler dev would rewrite every local request URL to a config route's host
    for (const e of editConfigs(workers, provisioned())) expect(e.text).not.toMatch(/^routes\s*=/m);
    expect(describeAction(deploys.find((a) => a.worker === "edgeworks-edge"))).toBe(
      "deploy edgeworks-edge (wrangler.toml) --domain api.example.com",
    );
  });

  it("is empty on a second run: after the ids are written, nothing is left to do", async () => {
    const existing = provisioned();
    expect(provisionPlan(workers, existing, settings).length).toBeGreaterThan(0); // the committed placeholder ids
    // the first run also wrote the generated VAPID public key into chat's config
    const edited = editConfigs(workers, existing, { "workers/chat/wrangler.toml": { VAPID_PUBLIC_KEY: "BPub" } });
    const next = await Promise.all(
      workers.map((w) => {
        const e = edited.find((x) => x.configPath === w.configPath);
        return e ? reparse(w, e.text) : w;
      }),
    );
    expect(provisionPlan(next, existing, settings)).toEqual([]);
    expect(editConfigs(next, existing)).toEqual([]);
  });

  it("replaces a VAPID private key whose public half is missing from the config", () => {
    const chat = worker("chat", { vars: { VAPID_PUBLIC_KEY: "" } });
    const plan = provisionPlan([chat], { secrets: { "edgeworks-chat": ["VAPID_PRIVATE_KEY"] } });
    expect(plan).toEqual([expect.objectContaining({ type: "secret", name: "VAPID_PRIVATE_KEY", publicVar: "VAPID_PUBLIC_KEY" })]);
    const paired = worker("chat", { vars: { VAPID_PUBLIC_KEY: "BPub" } });
    expect(provisionPlan([paired], { secrets: { "edgeworks-chat": ["VAPID_PRIVATE_KEY"] } })).toEqual([]);
  });

  it("releases: every database migrated, then every Worker deployed with PUBLIC_ORIGIN from the domain", () => {
    const release = releasePlan(workers, settings);
    const migrated = release.filter((a) => a.type === "migrate").map((a) => a.database);
    expect(migrated).toEqual(expect.arrayContaining(["edgeworks-accounts", "edgeworks-todo", "edgeworks-links", "edgeworks-chat"]));
    const lastMigrate = release.findLastIndex((a) => a.type === "migrate");
    expect(release.findIndex((a) => a.type === "deploy")).toBeGreaterThan(lastMigrate);
    const blog = release.find((a) => a.worker === "edgeworks-blog");
    expect(blog.vars.PUBLIC_ORIGIN).toBe("https://api.example.com");
    // short URLs are built on links' PUBLIC_ORIGIN: the short host, which the links Worker serves directly
    expect(release.find((a) => a.worker === "edgeworks-links").vars).toMatchObject({
      PUBLIC_ORIGIN: "https://ex.am",
      SHORT_LINK_HOST: "ex.am",
    });
    for (const a of release.filter((x) => x.type === "deploy" && x.worker !== "edgeworks-links")) {
      const w = workers.find((x) => x.config.name === a.worker);
      if ("PUBLIC_ORIGIN" in (w.config.vars ?? {})) expect(a.vars.PUBLIC_ORIGIN, a.worker).toBe("https://api.example.com");
    }
    const noShort = releasePlan(workers, settingsFrom({ domain: "api.example.com" }));
    expect(noShort.find((a) => a.worker === "edgeworks-links").vars).toEqual({ PUBLIC_ORIGIN: "https://api.example.com" });
  });

  it("refuses to deploy with an empty PUBLIC_ORIGIN, a bad domain, or a supplied secret missing", () => {
    expect(settingsProblems(workers, settingsFrom({}, {})).join("\n")).toMatch(/PUBLIC_ORIGIN would be empty.*edgeworks-blog/);
    expect(settingsProblems(workers, settings)).toEqual([]);
    expect(settingsProblems(workers, settingsFrom({ domain: "not a host" })).join("\n")).toMatch(/not a hostname/);
    const mail = worker("mail", { secrets: { required: ["MAIL_API_KEY"] } });
    expect(settingsProblems([mail], settings).join("\n")).toMatch(/edgeworks-mail needs the secret MAIL_API_KEY/);
    expect(settingsProblems([mail], settingsFrom({ domain: "api.example.com" }, { MAIL_API_KEY: "k" }))).toEqual([]);
    expect(settingsProblems([mail], settings, { "edgeworks-mail": ["MAIL_API_KEY"] })).toEqual([]);
  });

  it("passes the mail decisions as vars and needs the HTTP provider's key", () => {
    const mail = worker("mail", { vars: { MAIL_PROVIDER: "cloudflare", MAIL_FROM: "", MAIL_HTTP_URL: "https://api.resend.com" } });
    const base = { domain: "api.example.com" };
    expect(settingsProblems([mail], settingsFrom(base, {})).join("\n")).toMatch(/MAIL_FROM is empty for edgeworks-mail/);
    expect(settingsProblems([mail], settingsFrom(base, { MAIL_PROVIDER: "capture" }))).toEqual([]);
    expect(settingsProblems([mail], settingsFrom(base, { MAIL_PROVIDER: "smtp", MAIL_FROM: "a@b.c" })).join("\n")).toMatch(
      /cloudflare, http or capture/,
    );
    const http = settingsFrom(base, { MAIL_PROVIDER: "http", MAIL_FROM: "a@b.c" });
    expect(settingsProblems([mail], http).join("\n")).toMatch(/edgeworks-mail needs the secret MAIL_HTTP_API_KEY/);
    const withKey = settingsFrom(base, { MAIL_PROVIDER: "http", MAIL_FROM: "a@b.c", MAIL_HTTP_API_KEY: "re_123" });
    expect(settingsProblems([mail], withKey)).toEqual([]);
    expect(provisionPlan([mail], {}, withKey)).toContainEqual(
      expect.objectContaining({ type: "secret", name: "MAIL_HTTP_API_KEY", source: "environment" }),
    );
    expect(releasePlan([mail], withKey).at(-1).vars).toEqual({ MAIL_PROVIDER: "http", MAIL_FROM: "a@b.c" });
  });

  it("needs Stripe's secret key and webhook secret for a Worker that takes Stripe webhooks, from the environment", () => {
    const shop = worker("shop", { vars: { STRIPE_WEBHOOK_PATH: "/shop/v1/stripe/webhook", PUBLIC_ORIGIN: "" } });
    const base = { domain: "api.example.com" };
    const problems = settingsProblems([shop], settingsFrom(base, {})).join("\n");
    expect(problems).toMatch(/edgeworks-shop needs the secret STRIPE_SECRET_KEY/);
    expect(problems).toMatch(/edgeworks-shop needs the secret STRIPE_WEBHOOK_SECRET/);
    const given = settingsFrom(base, { STRIPE_SECRET_KEY: "sk_live_x", STRIPE_WEBHOOK_SECRET: "whsec_x" });
    expect(settingsProblems([shop], given)).toEqual([]);
    expect(provisionPlan([shop], {}, given)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "secret", name: "STRIPE_SECRET_KEY", source: "environment" }),
        expect.objectContaining({ type: "secret", name: "STRIPE_WEBHOOK_SECRET", source: "environment" }),
      ]),
    );
    // already set on the Worker: nothing asked of the environment
    expect(settingsProblems([shop], settingsFrom(base, {}), { "edgeworks-shop": ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] })).toEqual(
      [],
    );
  });

  it("gives each Stripe webhook endpoint its own signing secret (STRIPE_WEBHOOK_SECRET_<WORKER>), never one shared", () => {
    const shop = worker("shop", { vars: { STRIPE_WEBHOOK_PATH: "/shop/v1/stripe/webhook" } });
    const payments = worker("commerce-payments", { vars: { STRIPE_WEBHOOK_PATH: "/commerce/v1/payments/webhooks/stripe" } });
    const base = { domain: "api.example.com" };
    const shared = settingsFrom(base, { STRIPE_SECRET_KEY: "sk_live_x", STRIPE_WEBHOOK_SECRET: "whsec_x" });
    expect(settingsProblems([shop, payments], shared).join("\n")).toMatch(
      /STRIPE_WEBHOOK_SECRET would be the same for edgeworks-shop, edgeworks-commerce-payments/,
    );
    const own = settingsFrom(base, {
      STRIPE_SECRET_KEY: "sk_live_x",
      STRIPE_WEBHOOK_SECRET: "whsec_x",
      STRIPE_WEBHOOK_SECRET_COMMERCE_PAYMENTS: "whsec_y",
    });
    expect(settingsProblems([shop, payments], own)).toEqual([]);
    expect(envSecret("edgeworks-commerce-payments", "STRIPE_WEBHOOK_SECRET", own.env)).toBe("whsec_y");
    expect(envSecret("edgeworks-shop", "STRIPE_WEBHOOK_SECRET", own.env)).toBe("whsec_x");
    // one of them already has its secret: the plain variable goes to the other alone
    expect(settingsProblems([shop, payments], shared, { "edgeworks-shop": ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] })).toEqual([]);
  });

  it("sends SMS through Twilio only when the deploy says so, and then needs its credentials", () => {
    const notifications = worker("commerce-notifications", { vars: { SMS_PROVIDER: "fake" } });
    const base = { domain: "api.example.com" };
    expect(settingsProblems([notifications], settingsFrom(base, {}))).toEqual([]);
    const twilio = settingsFrom(base, { SMS_PROVIDER: "twilio" });
    expect(settingsProblems([notifications], twilio).join("\n")).toMatch(
      /edgeworks-commerce-notifications needs the secret TWILIO_AUTH_TOKEN/,
    );
    expect(
      releasePlan([notifications], settingsFrom(base, { SMS_PROVIDER: "twilio", TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t" })).at(-1)
        .vars,
    ).toEqual({
      SMS_PROVIDER: "twilio",
    });
  });

  it("passes VAPID_SUBJECT to chat when set", () => {
    const chat = releasePlan(workers, settingsFrom({ domain: "api.example.com" }, { VAPID_SUBJECT: "mailto:admin@example.com" })).find(
      (a) => a.worker === "edgeworks-chat",
    );
    expect(chat.vars.VAPID_SUBJECT).toBe("mailto:admin@example.com");
  });

  it("reads the domain from one value: EDGEWORKS_DOMAIN", () => {
    expect(settingsFrom({}, { EDGEWORKS_DOMAIN: "API.Example.com " })).toMatchObject({
      domain: "api.example.com",
      origin: "https://api.example.com",
    });
  });
});

describe("config editing", () => {
  const text = `name = "edgeworks-x"
main = "src/index.ts"

# comment kept
[vars]
A = "1" # trailing kept
PUBLIC_ORIGIN = ""

# the database
[[d1_databases]]
binding = "DB"
database_name = "edgeworks-x"
database_id = "00000000-0000-0000-0000-000000000001" # placeholder
migrations_dir = "../../migrations/x"

[[d1_databases]]
binding = "OTHER"
database_name = "edgeworks-y"
database_id = "00000000-0000-0000-0000-000000000002"

[[kv_namespaces]]
binding = "CACHE"
id = "00000000000000000000000000000003"
`;

  it("replaces an id in the matching [[table]] only, keeping comments and layout", () => {
    const out = setInArrayTable(text, "d1_databases", ["database_name", "edgeworks-y"], "database_id", uuid(7));
    expect(out).toBe(text.replace('"00000000-0000-0000-0000-000000000002"', `"${uuid(7)}"`));
    const first = setInArrayTable(text, "d1_databases", ["database_name", "edgeworks-x"], "database_id", uuid(1));
    expect(first).toContain(`database_id = "${uuid(1)}" # placeholder`);
    expect(setInArrayTable(text, "kv_namespaces", ["binding", "CACHE"], "id", "abc")).toContain(
      '[[kv_namespaces]]\nbinding = "CACHE"\nid = "abc"\n',
    );
    expect(() => setInArrayTable(text, "d1_databases", ["database_name", "nope"], "database_id", "x")).toThrow();
  });

  it("sets a var once, replacing instead of duplicating, a multi-line value included", () => {
    expect(setInTable(text, "vars", "A", "2")).toContain('A = "2" # trailing kept');
    expect(setInTable(text, "vars", "VAPID_PUBLIC_KEY", "BPub")).toContain(
      'PUBLIC_ORIGIN = ""\nVAPID_PUBLIC_KEY = "BPub"\n\n# the database',
    );
    const twice = setInTable(setInTable(text, "vars", "VAPID_PUBLIC_KEY", "B1"), "vars", "VAPID_PUBLIC_KEY", "B2");
    expect(twice.match(/^VAPID_PUBLIC_KEY =/gm)).toHaveLength(1);
    const multi = '[vars]\nLIST = [\n  "a", # one\n  "b",\n]\nB = "x"\n';
    expect(setInTable(multi, "vars", "LIST", ["c"])).toBe('[vars]\nLIST = ["c"]\nB = "x"\n');
  });

  it("edits the real configs into what wrangler parses back with the new ids", async () => {
    const existing = provisioned();
    const edited = editConfigs(workers, existing, { "workers/chat/wrangler.toml": { VAPID_PUBLIC_KEY: "BPub" } });
    const links = edited.find((e) => e.configPath === "workers/links/wrangler.toml");
    const original = workers.find((w) => w.configPath === "workers/links/wrangler.toml");
    // only the id lines differ
    const added = links.text.split("\n").filter((l) => !original.text.split("\n").includes(l));
    expect(added.map((l) => l.split(" = ")[0])).toEqual(["database_id", "id"]);
    const parsed = await reparse(original, links.text);
    const linksKv = desiredResources(workers).kv.find((k) => k.configPath === "workers/links/wrangler.toml");
    expect(parsed.config.kv_namespaces[0].id).toBe(provisioned().kv.find((k) => k.title === linksKv.title).id);
    const chat = await reparse(
      workers.find((w) => w.configPath === "workers/chat/wrangler.toml"),
      edited.find((e) => e.configPath === "workers/chat/wrangler.toml").text,
    );
    expect(chat.config.vars.VAPID_PUBLIC_KEY).toBe("BPub");
  });
});

describe("wrangler output", () => {
  it("reads `queues list` tables and `r2 bucket list`", () => {
    const table = `┌──────┬──────────────────┬────────────┬─────────────┬───────────┬───────────┐
│ id   │ name             │ created_on │ modified_on │ producers │ consumers │
├──────┼──────────────────┼────────────┼─────────────┼───────────┼───────────┤
│ q1   │ edgeworks-a      │ 2026       │ 2026        │ 1         │ 1         │
├──────┼──────────────────┼────────────┼─────────────┼───────────┼───────────┤
│ q2   │ edgeworks-a-dlq  │ 2026       │ 2026        │ 0         │ 0         │
└──────┴──────────────────┴────────────┴─────────────┴───────────┴───────────┘`;
    expect(parseQueuesTable(table)).toEqual([
      { id: "q1", name: "edgeworks-a", consumers: 1 },
      { id: "q2", name: "edgeworks-a-dlq", consumers: 0 },
    ]);
    expect(
      parseR2List(
        "Listing buckets...\nname:           edgeworks-x\ncreation_date:  2026\n\nname:           edgeworks-y\ncreation_date:  2026\n",
      ),
    ).toEqual(["edgeworks-x", "edgeworks-y"]);
  });
});

describe("dead-letter queues", () => {
  const consumer = (queue, dlq) => ({ queue, max_retries: 5, ...(dlq ? { dead_letter_queue: dlq } : {}) });
  it("flag a consumer without one, except the consumer of a DLQ itself", () => {
    const w = worker("m", { queues: { consumers: [consumer("q", "q-dlq"), consumer("q-dlq"), consumer("r")] } });
    const want = desiredResources([w]);
    expect(want.problems).toEqual([
      "workers/m/wrangler.toml: the consumer of r has no dead_letter_queue (failed messages would be dropped)",
    ]);
    expect(want.dlqs).toEqual([{ dlq: "q-dlq", queue: "q", worker: "edgeworks-m", consumed: true }]);
    // consumed by a Worker: no pull consumer for it
    expect(provisionPlan([w], { queues: [] }).filter((a) => a.type === "pull-consumer")).toEqual([]);
  });
});
