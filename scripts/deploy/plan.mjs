// The plan: from the configs and what exists on the account, the provisioning actions (empty once everything
// is in place), the release (migrations, then deploys in order) and the configs' new text. Pure.
import { deployOrder, desiredResources, kvTitle } from "./resources.mjs";
import { deployVars, GENERATED_SECRETS, requiredSecrets, shortLinkWorker } from "./settings.mjs";
import { setInArrayTable, setInTable } from "./toml-edit.mjs";

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

/**
 * The custom domains a Worker is deployed with (`wrangler deploy --domain`): the front door's domain, the
 * short-link host on the Worker that serves it. Passed on every deploy, never written into the configs:
 * `wrangler dev` rewrites every request URL to the host of a config's first route, which would make
 * `pnpm dev` build its links on the production domain.
 */
export function deployDomains(worker, workers, settings) {
  const domains = [];
  if (worker.front && settings.domain) domains.push(settings.domain);
  if (settings.shortLinkHost && shortLinkWorker(workers) === worker) domains.push(settings.shortLinkHost);
  return domains;
}

/** Migrations for every database, then a deploy per Worker in dependency order with its vars and domains. */
export function releasePlan(workers, settings = {}) {
  const migrate = desiredResources(workers).d1.map((d) => ({ type: "migrate", database: d.name, configPath: d.configPath }));
  const deploy = deployOrder(workers).map((w) => ({
    type: "deploy",
    worker: w.config.name,
    configPath: w.configPath,
    vars: deployVars(w, settings),
    domains: deployDomains(w, workers, settings),
  }));
  return [...migrate, ...deploy];
}

/** One line per action, for the plan printout. */
export function describeAction(action) {
  switch (action.type) {
    case "create":
      return `create ${{ d1: "D1 database", kv: "KV namespace", queue: "queue", r2: "R2 bucket" }[action.kind]} ${action.name}`;
    case "pull-consumer":
      return `give dead-letter queue ${action.queue} an HTTP pull consumer (read by \`pnpm dlq ${action.for}\`)`;
    case "write-id":
      return `write ${action.what} into ${action.configPath}${action.id ? ` (${action.id})` : " (the id of the new resource)"}`;
    case "secret":
      return `secret ${action.name} for ${action.worker}: ${action.source === "generated" ? "generate (pnpm keys)" : "from the environment"}${action.publicVar ? `, its public half into ${action.publicVar} in ${action.configPath}` : ""}`;
    case "migrate":
      return `apply remote migrations to ${action.database} (${action.configPath})`;
    case "deploy": {
      const flags = [
        ...(action.domains ?? []).map((d) => `--domain ${d}`),
        ...Object.entries(action.vars).map(([k, v]) => `--var ${k}:${v}`),
      ];
      return `deploy ${action.worker} (${action.configPath})${flags.length ? ` ${flags.join(" ")}` : ""}`;
    }
    default:
      return JSON.stringify(action);
  }
}

/**
 * Every config's new text once the resources exist: real D1/KV ids and generated public keys
 * (`publicVars`: `{ configPath: { VAR: value } }`). Returns only the configs that change.
 */
export function editConfigs(workers, existing, publicVars = {}) {
  const d1 = new Map((existing.d1 ?? []).map((d) => [d.name, d.uuid]));
  const kv = new Map((existing.kv ?? []).map((k) => [k.title, k.id]));
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
    for (const [name, value] of Object.entries(publicVars[w.configPath] ?? {})) text = setInTable(text, "vars", name, value);
    if (text !== w.text) changed.push({ configPath: w.configPath, text });
  }
  return changed;
}
