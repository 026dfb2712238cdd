// `pnpm run deploy`: everything on Cloudflare from a fresh clone, and again after any change (idempotent).
// 1. reads every Worker's wrangler.toml (the front door's at the root, workers/*/wrangler.toml),
// 2. finds by name, or creates, every D1 database, KV namespace, queue (and dead-letter queue) and R2 bucket
//    they reference, and writes the real ids into the configs (comments and layout kept),
// 3. gives every dead-letter queue that no Worker consumes an HTTP pull consumer (`pnpm dlq` reads it),
// 4. writes the front door's custom domain (EDGEWORKS_DOMAIN) and the short-link host's
//    (EDGEWORKS_SHORT_LINK_HOST) into the configs,
// 5. generates the secrets a Worker is missing (JWT_PRIVATE_KEYS, VAPID_PRIVATE_KEY: scripts/keys.mjs) or
//    takes them from the environment (any other name in a config's `[secrets] required`),
// 6. applies every database's remote migrations, then deploys the Workers in dependency order (a Worker
//    after the Workers its [[services]] bind; the front door last) with PUBLIC_ORIGIN set, and prints the URLs.
// `--dry-run` prints the plan and changes nothing (without Cloudflare credentials it plans as if nothing
// existed, and says so). The planning and config editing below are pure functions, tested in
// scripts/test/deploy.test.mjs; `main` is the thin part that runs wrangler.
// Usage: node scripts/deploy.mjs [--dry-run] [--domain api.example.com] [--short-link-host s.example.com]
//                                [--origin https://...] [--only accounts,todo]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs, stripVTControlCharacters } from "node:util";
import { generate } from "./keys.mjs";
import { OFFLINE_ENV, ROOT, WRANGLER, workerConfigs } from "./lib.mjs";

/** Secrets `pnpm run deploy` makes itself when a Worker lacks them, and the var that carries the other half. */
export const GENERATED_SECRETS = {
  JWT_PRIVATE_KEYS: { kind: "jwt" },
  VAPID_PRIVATE_KEY: { kind: "vapid", publicVar: "VAPID_PUBLIC_KEY" },
};

/**
 * Vars a person decides per deploy, set in the environment under the var's own name and passed as
 * `--var` to every Worker that has the var (the committed configs keep the dev defaults).
 */
export const DEPLOY_VARS = ["MAIL_PROVIDER", "MAIL_FROM", "MAIL_FROM_NAME", "MAIL_HTTP_URL", "PASSWORD_PBKDF2_ITERATIONS"];

/** A var as the deployed Worker will see it: the deploy's override, else the config's value. */
export function effectiveVar(worker, name, settings = {}) {
  return settings.vars?.[name] ?? worker.config.vars?.[name];
}

/**
 * The secrets each Worker needs: the generated ones of the Workers that read them, MAIL_HTTP_API_KEY
 * when the mail provider is "http", plus any `[secrets] required`.
 */
export function requiredSecrets(worker, settings = {}) {
  const names = new Set(worker.config.secrets?.required ?? []);
  if (worker.config.name === "edgeworks-accounts") names.add("JWT_PRIVATE_KEYS");
  if ("VAPID_PUBLIC_KEY" in (worker.config.vars ?? {})) names.add("VAPID_PRIVATE_KEY");
  if (effectiveVar(worker, "MAIL_PROVIDER", settings) === "http") names.add("MAIL_HTTP_API_KEY");
  return [...names].sort();
}

/** A KV namespace's title: the Worker and binding, so two Workers' CACHE bindings never share one. */
export const kvTitle = (workerName, binding) => `${workerName}-${binding}`;

/**
 * What the configs ask for. `workers` are `{ configPath, text, config }` (config: the parsed TOML).
 *
 * @example desiredResources(workers).queues // ["edgeworks-blog-notifications", "edgeworks-blog-notifications-dlq", ...]
 */
export function desiredResources(workers) {
  const d1 = [];
  const kv = [];
  const queues = new Set();
  const r2 = new Set();
  const dlqs = [];
  const problems = [];
  const consumers = workers.flatMap((w) => w.config.queues?.consumers ?? []);
  const consumed = new Set(consumers.map((c) => c.queue));
  // a DLQ's own consumer (it records dead letters) needs no DLQ of its own
  const deadLetterQueues = new Set(consumers.map((c) => c.dead_letter_queue).filter(Boolean));
  for (const w of workers) {
    const c = w.config;
    for (const db of c.d1_databases ?? []) {
      d1.push({ name: db.database_name, worker: c.name, configPath: w.configPath, binding: db.binding, id: db.database_id });
    }
    for (const ns of c.kv_namespaces ?? []) {
      kv.push({ title: kvTitle(c.name, ns.binding), worker: c.name, configPath: w.configPath, binding: ns.binding, id: ns.id });
    }
    for (const p of c.queues?.producers ?? []) queues.add(p.queue);
    for (const consumer of c.queues?.consumers ?? []) {
      queues.add(consumer.queue);
      if (!consumer.dead_letter_queue) {
        if (deadLetterQueues.has(consumer.queue)) continue;
        problems.push(`${w.configPath}: the consumer of ${consumer.queue} has no dead_letter_queue (failed messages would be dropped)`);
        continue;
      }
      queues.add(consumer.dead_letter_queue);
      dlqs.push({
        dlq: consumer.dead_letter_queue,
        queue: consumer.queue,
        worker: c.name,
        consumed: consumed.has(consumer.dead_letter_queue),
      });
    }
    for (const b of c.r2_buckets ?? []) r2.add(b.bucket_name);
  }
  return { d1, kv, queues: [...queues].sort(), r2: [...r2].sort(), dlqs, problems };
}

/**
 * The Workers in deploy order: every Worker after the Workers it binds ([[services]], and Durable Objects
 * of another script), names sorted within a level; bindings to Workers outside the repo are ignored.
 * Throws on a cycle.
 */
export function deployOrder(workers) {
  const names = new Set(workers.map((w) => w.config.name));
  const deps = new Map(
    workers.map((w) => [
      w.config.name,
      [
        ...(w.config.services ?? []).map((s) => s.service),
        ...(w.config.durable_objects?.bindings ?? []).map((b) => b.script_name).filter(Boolean),
      ].filter((d) => names.has(d) && d !== w.config.name),
    ]),
  );
  const order = [];
  const done = new Set();
  while (order.length < workers.length) {
    const ready = [...deps.keys()].filter((n) => !done.has(n) && deps.get(n).every((d) => done.has(d))).sort();
    if (ready.length === 0) {
      const left = [...deps.keys()].filter((n) => !done.has(n));
      throw new Error(`[[services]] bindings form a cycle among ${left.join(", ")}`);
    }
    for (const n of ready) {
      done.add(n);
      order.push(workers.find((w) => w.config.name === n));
    }
  }
  return order;
}

/** The Worker that serves short links on their own host: the one with a SHORT_LINK_HOST var, else edgeworks-links. */
export function shortLinkWorker(workers) {
  return workers.find((w) => "SHORT_LINK_HOST" in (w.config.vars ?? {})) ?? workers.find((w) => w.config.name === "edgeworks-links");
}

/**
 * The `--var NAME:value` overrides of one Worker's deploy: PUBLIC_ORIGIN and SHORT_LINK_HOST where it has
 * them (the short-link Worker builds short URLs on its PUBLIC_ORIGIN: the short host when there is one),
 * and the DEPLOY_VARS the environment sets.
 */
export function deployVars(worker, settings) {
  const vars = {};
  const has = (name) => name in (worker.config.vars ?? {});
  if (has("PUBLIC_ORIGIN") && settings.origin) vars.PUBLIC_ORIGIN = settings.origin;
  if (has("SHORT_LINK_HOST") && settings.shortLinkHost) {
    vars.SHORT_LINK_HOST = settings.shortLinkHost;
    if (has("PUBLIC_ORIGIN")) vars.PUBLIC_ORIGIN = `https://${settings.shortLinkHost}`;
  }
  for (const name of DEPLOY_VARS) if (has(name) && settings.vars?.[name] !== undefined) vars[name] = settings.vars[name];
  return vars;
}

/**
 * The settings a person decides, from flags and the environment: the front door's domain (one value:
 * its custom domain and every PUBLIC_ORIGIN), optionally a host for short links, and the secrets passed in.
 */
export function settingsFrom({ domain, shortLinkHost, origin } = {}, env = {}) {
  const d = (domain ?? env.EDGEWORKS_DOMAIN ?? "").trim().toLowerCase() || undefined;
  const s = (shortLinkHost ?? env.EDGEWORKS_SHORT_LINK_HOST ?? "").trim().toLowerCase() || undefined;
  let o = (origin ?? env.EDGEWORKS_ORIGIN ?? "").trim();
  while (o.endsWith("/")) o = o.slice(0, -1);
  o = o || (d ? `https://${d}` : undefined);
  const vars = Object.fromEntries(DEPLOY_VARS.filter((n) => (env[n] ?? "").trim() !== "").map((n) => [n, env[n].trim()]));
  return { domain: d, shortLinkHost: s, origin: o, vars, env };
}

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** What stops a deploy before it touches anything: bad or missing settings, supplied secrets not given. */
export function settingsProblems(workers, settings, existingSecrets = {}) {
  const problems = [];
  if (settings.domain && !HOST.test(settings.domain)) problems.push(`EDGEWORKS_DOMAIN "${settings.domain}" is not a hostname`);
  if (settings.shortLinkHost && !HOST.test(settings.shortLinkHost)) {
    problems.push(`EDGEWORKS_SHORT_LINK_HOST "${settings.shortLinkHost}" is not a hostname`);
  }
  if (settings.origin && !/^https:\/\/[^/]+$/.test(settings.origin))
    problems.push(`the public origin "${settings.origin}" is not https://host`);
  const needOrigin = workers.filter((w) => "PUBLIC_ORIGIN" in (w.config.vars ?? {}) && !w.config.vars.PUBLIC_ORIGIN);
  if (!settings.origin && needOrigin.length) {
    problems.push(
      `PUBLIC_ORIGIN would be empty for ${needOrigin.map((w) => w.config.name).join(", ")} (emails would link to the request's origin): ` +
        "set EDGEWORKS_DOMAIN (or --domain) to the front door's hostname",
    );
  }
  for (const w of workers) {
    const provider = effectiveVar(w, "MAIL_PROVIDER", settings);
    if (provider !== undefined && !["cloudflare", "http", "capture"].includes(provider)) {
      problems.push(`MAIL_PROVIDER "${provider}" for ${w.config.name}: cloudflare, http or capture`);
    }
    if (provider !== undefined && provider !== "capture" && !effectiveVar(w, "MAIL_FROM", settings)) {
      problems.push(
        `MAIL_FROM is empty for ${w.config.name}: no email (verification, password reset) would be sent; set MAIL_FROM to an address on your sending domain`,
      );
    }
    const have = existingSecrets[w.config.name] ?? [];
    for (const name of requiredSecrets(w, settings)) {
      if (!GENERATED_SECRETS[name] && !have.includes(name) && !settings.env?.[name]) {
        problems.push(
          `${w.config.name} needs the secret ${name}: set it in the environment for this run (or \`wrangler secret put ${name} -c ${w.configPath}\`)`,
        );
      }
    }
  }
  return problems;
}

/**
 * The actions that bring Cloudflare and the configs to what the configs describe, from what exists
 * (`existing`: `{ d1: [{name, uuid}], kv: [{title, id}], queues: [{name, consumers}], r2: [name], secrets: {worker: [name]} }`,
 * as wrangler lists them). Provisioning only: on a fully provisioned state it is empty; the release (migrations
 * and deploys, both idempotent) is `releasePlan`.
 */
export function provisionPlan(workers, existing, settings = {}) {
  const want = desiredResources(workers);
  const actions = [];
  const d1 = new Map((existing.d1 ?? []).map((d) => [d.name, d.uuid]));
  const kv = new Map((existing.kv ?? []).map((k) => [k.title, k.id]));
  const queues = new Map((existing.queues ?? []).map((q) => [q.name, q]));
  const r2 = new Set(existing.r2 ?? []);

  for (const name of [...new Set(want.d1.map((d) => d.name))]) if (!d1.has(name)) actions.push({ type: "create", kind: "d1", name });
  for (const title of [...new Set(want.kv.map((k) => k.title))])
    if (!kv.has(title)) actions.push({ type: "create", kind: "kv", name: title });
  for (const name of want.queues) if (!queues.has(name)) actions.push({ type: "create", kind: "queue", name });
  for (const name of want.r2) if (!r2.has(name)) actions.push({ type: "create", kind: "r2", name });
  for (const d of want.dlqs) {
    if (!d.consumed && !((queues.get(d.dlq)?.consumers ?? 0) > 0)) actions.push({ type: "pull-consumer", queue: d.dlq, for: d.queue });
  }
  for (const d of want.d1) {
    const id = d1.get(d.name);
    if (id !== d.id) actions.push({ type: "write-id", configPath: d.configPath, what: `database_id of ${d.name}`, id: id ?? null });
  }
  for (const k of want.kv) {
    const id = kv.get(k.title);
    if (id !== k.id)
      actions.push({ type: "write-id", configPath: k.configPath, what: `id of KV ${k.binding} (${k.title})`, id: id ?? null });
  }
  for (const edit of routeEdits(workers, settings)) actions.push({ type: "route", ...edit });
  for (const w of workers) {
    const have = existing.secrets?.[w.config.name] ?? [];
    for (const name of requiredSecrets(w, settings)) {
      const generated = GENERATED_SECRETS[name];
      // a private key whose public half is not in the config (a clone without the first deploy's commit) is
      // useless: a new pair replaces it
      const orphan = generated?.publicVar && !w.config.vars?.[generated.publicVar];
      if (have.includes(name) && !orphan) continue;
      actions.push({
        type: "secret",
        worker: w.config.name,
        configPath: w.configPath,
        name,
        source: generated ? "generated" : "environment",
        ...(generated?.publicVar ? { publicVar: generated.publicVar } : {}),
      });
    }
  }
  return actions;
}

/** Routes the settings ask for that a config does not have yet: the front door's domain, the short-link host. */
export function routeEdits(workers, settings) {
  const edits = [];
  const wanted = [];
  const front = workers.find((w) => w.front);
  if (front && settings.domain) wanted.push({ worker: front, pattern: settings.domain });
  const links = shortLinkWorker(workers);
  if (links && settings.shortLinkHost) wanted.push({ worker: links, pattern: settings.shortLinkHost });
  for (const { worker, pattern } of wanted) {
    const routes = [{ pattern, custom_domain: true }];
    if (JSON.stringify(worker.config.routes ?? []) !== JSON.stringify(routes)) {
      edits.push({ configPath: worker.configPath, worker: worker.config.name, routes });
    }
  }
  return edits;
}

/** Migrations for every database, then a deploy per Worker in dependency order with its var overrides. */
export function releasePlan(workers, settings = {}) {
  const migrate = desiredResources(workers).d1.map((d) => ({ type: "migrate", database: d.name, configPath: d.configPath }));
  const deploy = deployOrder(workers).map((w) => ({
    type: "deploy",
    worker: w.config.name,
    configPath: w.configPath,
    vars: deployVars(w, settings),
  }));
  return [...migrate, ...deploy];
}

/** One line per action, for the plan printout. */
export function describe(action) {
  switch (action.type) {
    case "create":
      return `create ${{ d1: "D1 database", kv: "KV namespace", queue: "queue", r2: "R2 bucket" }[action.kind]} ${action.name}`;
    case "pull-consumer":
      return `give dead-letter queue ${action.queue} an HTTP pull consumer (read by \`pnpm dlq ${action.for}\`)`;
    case "write-id":
      return `write ${action.what} into ${action.configPath}${action.id ? ` (${action.id})` : " (the id of the new resource)"}`;
    case "route":
      return `route ${action.routes.map((r) => r.pattern).join(", ")} (custom domain) to ${action.worker} in ${action.configPath}`;
    case "secret":
      return `secret ${action.name} for ${action.worker}: ${action.source === "generated" ? "generate (pnpm keys)" : "from the environment"}${action.publicVar ? `, its public half into ${action.publicVar} in ${action.configPath}` : ""}`;
    case "migrate":
      return `apply remote migrations to ${action.database} (${action.configPath})`;
    case "deploy": {
      const vars = Object.entries(action.vars).map(([k, v]) => `--var ${k}:${v}`);
      return `deploy ${action.worker} (${action.configPath})${vars.length ? ` ${vars.join(" ")}` : ""}`;
    }
    default:
      return JSON.stringify(action);
  }
}

// ---- config text editing: keys changed in place, everything else (comments, order, spacing) kept ----

const HEADER = /^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$/;
const isHeader = (line) => HEADER.test(line);
const keyLine = (key) => new RegExp(`^(\\s*${key.replaceAll(".", "\\.")}\\s*=\\s*)`);

/** Where each table starts and ends (line indexes), with its name and whether it is an array table. */
function tables(lines) {
  const out = [];
  lines.forEach((line, i) => {
    const m = HEADER.exec(line);
    if (m) {
      if (out.length) out[out.length - 1].end = i;
      out.push({ name: m[1], array: /^\s*\[\[/.test(line), start: i, end: lines.length });
    }
  });
  return out;
}

/** The number of lines a `key = value` starting at `i` spans (a multi-line array or inline table). */
function valueSpan(lines, i) {
  let depth = 0;
  for (let j = i; j < lines.length; j++) {
    for (const ch of scanLine(lines[j]).code) {
      if (ch === "[" || ch === "{") depth++;
      else if (ch === "]" || ch === "}") depth--;
    }
    if (depth <= 0) return j - i + 1;
  }
  return lines.length - i;
}

/**
 * A line's code outside strings (each string blanked to "") and where its comment starts (-1: none),
 * scanning from `from`; one pass, no regex.
 */
function scanLine(line, from = 0) {
  let quote = "";
  let code = "";
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      code += '""';
    } else if (ch === "#") return { code, commentAt: i };
    else code += ch;
  }
  return { code, commentAt: -1 };
}

/** The ` # comment` after a line's value (with the spaces before it), or "". */
function trailingComment(line) {
  const { commentAt } = scanLine(line, line.indexOf("=") + 1);
  return commentAt < 0 ? "" : line.slice(line.slice(0, commentAt).trimEnd().length);
}

/** Replaces the value on line `i` (all its lines), keeping the key's indentation and a trailing comment. */
function replaceValue(lines, i, key, value) {
  const span = valueSpan(lines, i);
  const last = lines[i + span - 1];
  const comment = span === 1 ? trailingComment(last) : "";
  const prefix = keyLine(key).exec(lines[i])[1];
  lines.splice(i, span, `${prefix}${value}${comment}`);
}

/** A TOML value from a JS string, boolean, number, array or plain object (inline). */
export function tomlValue(v) {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  return `{ ${Object.entries(v)
    .map(([k, x]) => `${k} = ${tomlValue(x)}`)
    .join(", ")} }`;
}

/**
 * Sets `key` in the [[table]] entry whose `matchKey` equals `matchValue` (e.g. database_id of the
 * [[d1_databases]] with database_name "edgeworks-links"); inserts the key after the match line if absent.
 * Throws when no entry matches.
 */
export function setInArrayTable(text, table, [matchKey, matchValue], key, value) {
  const lines = text.split("\n");
  const entry = tables(lines).find(
    (t) =>
      t.array &&
      t.name === table &&
      lines.slice(t.start + 1, t.end).some((l) => keyLine(matchKey).test(l) && l.includes(JSON.stringify(matchValue))),
  );
  if (!entry) throw new Error(`no [[${table}]] with ${matchKey} = "${matchValue}"`);
  const at = lines.findIndex((l, i) => i > entry.start && i < entry.end && keyLine(key).test(l));
  if (at >= 0) replaceValue(lines, at, key, tomlValue(value));
  else {
    const m = lines.findIndex((l, i) => i > entry.start && i < entry.end && keyLine(matchKey).test(l));
    lines.splice(m + 1, 0, `${key} = ${tomlValue(value)}`);
  }
  return lines.join("\n");
}

/** Sets `key` in the [table] (e.g. a var in [vars]); appends it to the table if absent. Throws without the table. */
export function setInTable(text, table, key, value) {
  const lines = text.split("\n");
  const t = tables(lines).find((x) => !x.array && x.name === table);
  if (!t) throw new Error(`no [${table}] table`);
  const at = lines.findIndex((l, i) => i > t.start && i < t.end && keyLine(key).test(l));
  if (at >= 0) replaceValue(lines, at, key, tomlValue(value));
  else {
    let end = t.end;
    while (end > t.start + 1 && (lines[end - 1].trim() === "" || lines[end - 1].trim().startsWith("#"))) end--;
    lines.splice(end, 0, `${key} = ${tomlValue(value)}`);
  }
  return lines.join("\n");
}

/**
 * Sets a top-level key (before the first table), e.g. `routes`; a new key goes above the first table's
 * leading comments, with `comment` above it.
 */
export function setTopLevel(text, key, value, comment) {
  const lines = text.split("\n");
  const first = lines.findIndex(isHeader);
  const end = first < 0 ? lines.length : first;
  const at = lines.findIndex((l, i) => i < end && keyLine(key).test(l));
  if (at >= 0) {
    replaceValue(lines, at, key, tomlValue(value));
    return lines.join("\n");
  }
  let i = end;
  while (i > 0 && lines[i - 1].trim().startsWith("#")) i--;
  const block = [...(comment ? [`# ${comment}`] : []), `${key} = ${tomlValue(value)}`, ""];
  if (i > 0 && lines[i - 1].trim() !== "") block.unshift("");
  lines.splice(i, 0, ...block);
  return lines.join("\n");
}

/**
 * Every config's new text once the resources exist: real D1/KV ids, the routes, generated public keys
 * (`publicVars`: `{ configPath: { VAR: value } }`). Returns only the configs that change.
 */
export function editConfigs(workers, existing, settings = {}, publicVars = {}) {
  const d1 = new Map((existing.d1 ?? []).map((d) => [d.name, d.uuid]));
  const kv = new Map((existing.kv ?? []).map((k) => [k.title, k.id]));
  const routes = new Map(routeEdits(workers, settings).map((e) => [e.configPath, e.routes]));
  const changed = [];
  for (const w of workers) {
    let text = w.text;
    for (const db of w.config.d1_databases ?? []) {
      const id = d1.get(db.database_name);
      if (id && id !== db.database_id) text = setInArrayTable(text, "d1_databases", ["database_name", db.database_name], "database_id", id);
    }
    for (const ns of w.config.kv_namespaces ?? []) {
      const id = kv.get(kvTitle(w.config.name, ns.binding));
      if (id && id !== ns.id) text = setInArrayTable(text, "kv_namespaces", ["binding", ns.binding], "id", id);
    }
    const r = routes.get(w.configPath);
    if (r) text = setTopLevel(text, "routes", r, "Set by `pnpm run deploy` (EDGEWORKS_DOMAIN / EDGEWORKS_SHORT_LINK_HOST).");
    for (const [name, value] of Object.entries(publicVars[w.configPath] ?? {})) text = setInTable(text, "vars", name, value);
    if (text !== w.text) changed.push({ configPath: w.configPath, text });
  }
  return changed;
}

// ---- wrangler's list output ----

/** Rows of a `wrangler queues list` table (cli-table3 box drawing) as `{ name, id, consumers }`. */
export function parseQueuesTable(out) {
  const rows = out
    .split("\n")
    .filter((l) => l.trim().startsWith("│"))
    .map((l) =>
      l
        .trim()
        .replace(/^│|│$/g, "")
        .split("│")
        .map((c) => c.trim()),
    );
  const [head, ...body] = rows;
  if (!head) return [];
  const col = (name) => head.indexOf(name);
  return body.map((r) => ({ id: r[col("id")], name: r[col("name")], consumers: Number(r[col("consumers")] ?? 0) }));
}

/** Bucket names of `wrangler r2 bucket list` (`name:  <bucket>` lines). */
export function parseR2List(out) {
  return [...out.matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1]);
}

// ---- the executor: wrangler, for real ----

/** The repo's Workers: the front door (root wrangler.toml) first, then every workers/<name>/wrangler.toml. */
export async function readWorkers(root = ROOT) {
  const { experimental_readRawConfig } = await import("wrangler");
  const paths =
    root === ROOT
      ? workerConfigs().map((w) => w.config)
      : [
          join(root, "wrangler.toml"),
          ...readdirSync(join(root, "workers"))
            .filter((n) => n !== "edge" && existsSync(join(root, "workers", n, "wrangler.toml")))
            .sort()
            .map((n) => join(root, "workers", n, "wrangler.toml")),
        ];
  return paths.map((file, i) => ({
    configPath: relative(root, file),
    front: i === 0,
    text: readFileSync(file, "utf8"),
    config: experimental_readRawConfig({ config: file }).rawConfig,
  }));
}

/** Runs wrangler in `root` and returns its output; throws with wrangler's message (and `output`) on failure. */
export function wranglerRunner(root = ROOT) {
  return (args) => {
    const res = spawnSync(process.execPath, [WRANGLER, ...args], {
      cwd: root,
      env: { ...OFFLINE_ENV, CI: "true", NO_COLOR: "1" },
      encoding: "utf8",
    });
    const out = stripVTControlCharacters(`${res.stdout ?? ""}${res.stderr ?? ""}`);
    if (res.status !== 0) {
      const err = new Error(`wrangler ${args.slice(0, 3).join(" ")} failed:\n${out.trim().split("\n").slice(-6).join("\n")}`);
      err.output = out;
      throw err;
    }
    return res.stdout;
  };
}

const json = (out) => JSON.parse(out.slice(out.search(/[[{]/)));

/** What exists on the account, as `provisionPlan` takes it. */
function listExisting(workers, settings, run) {
  const d1 = json(run(["d1", "list", "--json"])).map((d) => ({ name: d.name, uuid: d.uuid }));
  const kv = json(run(["kv", "namespace", "list"])).map((k) => ({ title: k.title, id: k.id }));
  const queues = [];
  for (let page = 1; page <= 50; page++) {
    const rows = parseQueuesTable(run(["queues", "list", "--page", String(page)])).filter((r) => !queues.some((q) => q.name === r.name));
    queues.push(...rows);
    if (rows.length === 0) break;
  }
  const r2 = parseR2List(run(["r2", "bucket", "list"]));
  const secrets = {};
  for (const w of workers) {
    if (requiredSecrets(w, settings).length === 0) continue;
    try {
      secrets[w.config.name] = json(run(["secret", "list", "--format", "json", "-c", w.configPath])).map((s) => s.name);
    } catch (err) {
      if (!/does not exist|not found|10007/i.test(err.output ?? "")) throw err;
      secrets[w.config.name] = []; // not deployed yet
    }
  }
  return { d1, kv, queues, r2, secrets };
}

const CREATE = {
  d1: (name) => ["d1", "create", name],
  kv: (name) => ["kv", "namespace", "create", name],
  queue: (name) => ["queues", "create", name],
  r2: (name) => ["r2", "bucket", "create", name],
};

/**
 * The whole deploy against `run` (wrangler; tests pass a fake account): plan, print, and unless `dry`,
 * create, write the configs under `root`, migrate and deploy. Returns what it did; `refused` when a problem
 * stopped it before any change.
 */
export async function deploy({ root = ROOT, run = wranglerRunner(root), settings, dry = false, only, log = console.log }) {
  const workers = await readWorkers(root);
  let existing;
  let offline = false;
  try {
    existing = listExisting(workers, settings, run);
  } catch (err) {
    if (!dry) throw err;
    offline = true;
    existing = { d1: [], kv: [], queues: [], r2: [], secrets: {} };
    const reason =
      stripVTControlCharacters(err.output ?? err.message)
        .split("\n")
        .find((l) => /ERROR|error/.test(l)) ?? "no output";
    log(`wrangler could not list this account's resources: ${reason.replace(/^\W*\[ERROR\]\s*/, "").trim()}`);
    log("Dry run without Cloudflare credentials: planning as if nothing existed yet.\n");
  }

  const problems = [...desiredResources(workers).problems, ...settingsProblems(workers, settings, existing.secrets)];
  const provision = provisionPlan(workers, existing, settings);
  let release = releasePlan(workers, settings);
  if (only) {
    const names = new Set(only.split(",").map((n) => (n.startsWith("edgeworks-") ? n : `edgeworks-${n}`)));
    release = release.filter((a) => a.type !== "deploy" || names.has(a.worker));
  }
  const result = { provision, release, problems, offline, refused: false, deployed: [], wrote: [] };

  log(
    `Front door: ${settings.domain ? `https://${settings.domain}` : "(no EDGEWORKS_DOMAIN)"}; PUBLIC_ORIGIN: ${settings.origin ?? "(empty)"}; short links: ${settings.shortLinkHost ? `https://${settings.shortLinkHost}` : "on the front door"}`,
  );
  log(`\nProvision (${provision.length} action${provision.length === 1 ? "" : "s"}${offline ? ", assuming nothing exists" : ""}):`);
  for (const a of provision) log(`  - ${describe(a)}`);
  if (provision.length === 0) log("  (nothing: every resource, id, route and secret is in place)");
  log(`\nRelease (${release.length} steps, in this order):`);
  for (const a of release) log(`  - ${describe(a)}`);
  if (problems.length) {
    log(`\n${dry ? "A real run would refuse to start" : "Refusing to deploy"}:`);
    for (const p of problems) log(`  ✗ ${p}`);
  }
  if (dry) {
    log("\nDry run: nothing was created, written, uploaded or deployed.");
    return result;
  }
  if (problems.length) return { ...result, refused: true };

  // 1. resources
  for (const a of provision.filter((x) => x.type === "create")) {
    try {
      run(CREATE[a.kind](a.name));
      log(`created ${a.kind} ${a.name}`);
    } catch (err) {
      if (!/already exists|already taken|already in use/i.test(err.output ?? "")) throw err;
      log(`${a.kind} ${a.name} already exists`);
    }
  }
  for (const a of provision.filter((x) => x.type === "pull-consumer")) {
    // 100 retries: each look with `pnpm dlq` counts as a delivery attempt; messages must not expire by being read
    run(["queues", "consumer", "http", "add", a.queue, "--message-retries", "100"]);
    log(`HTTP pull consumer on ${a.queue}`);
  }
  // 2. secrets (generated now; uploaded with each Worker's deploy through --secrets-file)
  const secretsFor = {};
  const publicVars = {};
  for (const a of provision.filter((x) => x.type === "secret")) {
    let value = settings.env?.[a.name];
    if (a.source === "generated") {
      const made = Object.values(generate([GENERATED_SECRETS[a.name].kind]))[0];
      value = made[a.name];
      if (a.publicVar) publicVars[a.configPath] = { ...publicVars[a.configPath], [a.publicVar]: made[a.publicVar] };
    }
    secretsFor[a.worker] = { ...secretsFor[a.worker], [a.name]: value };
  }
  // 3. ids, routes and public keys into the configs
  const after = {
    ...existing,
    d1: json(run(["d1", "list", "--json"])).map((d) => ({ name: d.name, uuid: d.uuid })),
    kv: json(run(["kv", "namespace", "list"])),
  };
  for (const { configPath, text } of editConfigs(workers, after, settings, publicVars)) {
    writeFileSync(join(root, configPath), text);
    result.wrote.push(configPath);
    log(`wrote ${configPath}`);
  }
  // 4. migrations: every database, all failures reported before stopping
  const failed = [];
  for (const a of release.filter((x) => x.type === "migrate")) {
    try {
      run(["d1", "migrations", "apply", a.database, "--remote", "-c", a.configPath]);
      log(`migrated ${a.database}`);
    } catch (err) {
      failed.push(`${a.database}: ${err.message}`);
    }
  }
  if (failed.length) throw new Error(`migrations failed, nothing deployed:\n${failed.join("\n")}`);
  // 5. deploys in dependency order; a generated secret exists only in a 0600 temp file, removed after
  const tmp = mkdtempSync(join(tmpdir(), "edgeworks-deploy-"));
  const urls = [];
  try {
    for (const a of release.filter((x) => x.type === "deploy")) {
      const args = ["deploy", "-c", a.configPath, ...Object.entries(a.vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
      if (secretsFor[a.worker]) {
        const file = join(tmp, `${a.worker}.json`);
        writeFileSync(file, JSON.stringify(secretsFor[a.worker]), { mode: 0o600 });
        args.push("--secrets-file", file);
      }
      const out = run(args);
      urls.push(...[...out.matchAll(/https:\/\/\S+/g)].map((m) => `${a.worker}: ${m[0]}`));
      result.deployed.push(a.worker);
      log(`deployed ${a.worker}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  log("\nDeployed. URLs:");
  if (settings.domain)
    log(`  front door: https://${settings.domain}  (API references: https://${settings.domain}/auth/docs, /todo/docs, ...)`);
  if (settings.shortLinkHost) log(`  short links: https://${settings.shortLinkHost}/<slug>`);
  for (const u of urls) log(`  ${u}`);
  if (result.wrote.length) log(`\n${result.wrote.join(", ")} changed (real ids, routes, VAPID public key): commit them.`);
  return result;
}

async function main() {
  const { values } = parseArgs({
    options: {
      "dry-run": { type: "boolean" },
      domain: { type: "string" },
      "short-link-host": { type: "string" },
      origin: { type: "string" },
      only: { type: "string" },
    },
  });
  const settings = settingsFrom({ domain: values.domain, shortLinkHost: values["short-link-host"], origin: values.origin }, process.env);
  const result = await deploy({ settings, dry: values["dry-run"], only: values.only });
  if (result.refused) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err.message);
    if (/CLOUDFLARE_API_TOKEN|not authenticated|login/i.test(err.message))
      console.error("\nLog in first: npx wrangler login (or set CLOUDFLARE_API_TOKEN); see docs/deploy.md.");
    process.exit(1);
  });
}
