// `node scripts/check-registry.mjs`: fails when products.json (the product registry) and the places that must
// agree with it do not: the front door's [[services]] in wrangler.toml, its generated Env
// (workers/edge/worker-configuration.d.ts), each product's own wrangler.toml name, the README product
// table, and the root tsconfig.json references (every packages/* and workers/* with a tsconfig).
// `--write` adds what is missing to wrangler.toml and tsconfig.json; the README and removals stay manual.
// Run by `pnpm typecheck`, so a forgotten place fails CI. workers/edge derives its routing table, binding
// type and test service bindings from products.json directly.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./lib.mjs";

const write = process.argv.includes("--write");
const read = (file) => readFileSync(join(ROOT, file), "utf8");
const registry = JSON.parse(read("products.json"));
const bound = [...registry.products, ...registry.services];
const problems = [];
const same = (what, want, have) => {
  const missing = want.filter((x) => !have.includes(x));
  const extra = have.filter((x) => !want.includes(x));
  if (missing.length) problems.push(`${what}: missing ${missing.join(", ")}`);
  if (extra.length) problems.push(`${what}: not in products.json: ${extra.join(", ")}`);
  return missing;
};

// the registry itself: unique bindings and prefixes, each Worker's own wrangler.toml names its service
for (const key of ["binding", "prefix", "worker"]) {
  const values = bound.map((p) => p[key]).filter((v) => v !== undefined);
  const dupes = values.filter((v, i) => values.indexOf(v) !== i);
  if (dupes.length) problems.push(`products.json: duplicate ${key} ${dupes.join(", ")}`);
}
for (const p of bound) {
  const config = join("workers", p.worker, "wrangler.toml");
  const name = existsSync(join(ROOT, config)) ? /^name\s*=\s*"([^"]+)"/m.exec(read(config))?.[1] : undefined;
  if (name !== p.service) problems.push(`${config}: name is ${name ?? "missing"}, products.json says ${p.service}`);
}

// wrangler.toml: one [[services]] per registry entry, binding → service
let wrangler = read("wrangler.toml");
const services = [...wrangler.matchAll(/\[\[services\]\]\s*\nbinding\s*=\s*"([^"]+)"\s*\nservice\s*=\s*"([^"]+)"/g)].map(
  (m) => `${m[1]}=${m[2]}`,
);
const missingServices = same(
  "wrangler.toml [[services]]",
  bound.map((p) => `${p.binding}=${p.service}`),
  services,
);
if (write && missingServices.length) {
  for (const entry of missingServices) {
    const [binding, service] = entry.split("=");
    wrangler = `${wrangler.trimEnd()}\n\n[[services]]\nbinding = "${binding}"\nservice = "${service}"\n`;
  }
  writeFileSync(join(ROOT, "wrangler.toml"), wrangler);
  console.log("check-registry: added to wrangler.toml; run `pnpm types` to regenerate workers/edge/worker-configuration.d.ts");
}

// the generated Env of the front door: its Fetcher bindings (stale until `pnpm types` after a change)
const envFetchers = [...read("workers/edge/worker-configuration.d.ts").matchAll(/^\s*(\w+): Fetcher\b/gm)].map((m) => m[1]);
same(
  "workers/edge/worker-configuration.d.ts (run `pnpm types`)",
  bound.map((p) => p.binding),
  envFetchers,
);

// README: a ✅ row per product with its Worker folder, prefix and docs path; no ✅ row outside the registry
const rows = read("README.md")
  .split("\n")
  .filter((line) => /^\|.*`workers\/[\w-]+`.*✅/.test(line));
for (const p of registry.products) {
  const row = rows.find((line) => line.includes(`\`workers/${p.worker}\``));
  if (!row) problems.push(`README.md: no ✅ row for workers/${p.worker}`);
  else if (!row.includes(`\`${p.prefix}\``) || !row.includes(`\`${p.docs}\``)) {
    problems.push(`README.md: the workers/${p.worker} row must show \`${p.prefix}\` and \`${p.docs}\``);
  }
}
for (const row of rows) {
  const worker = /`workers\/([\w-]+)`/.exec(row)?.[1];
  if (!registry.products.some((p) => p.worker === worker)) problems.push(`README.md: workers/${worker} is ✅ but not in products.json`);
}

// tsconfig.json references: every package and Worker that has a tsconfig
const projects = ["packages", "workers"].flatMap((group) =>
  readdirSync(join(ROOT, group))
    .filter((name) => existsSync(join(ROOT, group, name, "tsconfig.json")))
    .sort()
    .map((name) => `${group}/${name}`),
);
let tsconfig = read("tsconfig.json");
const references = [...tsconfig.matchAll(/\{\s*"path":\s*"([^"]+)"\s*\}/g)].map((m) => m[1]);
const missingRefs = same("tsconfig.json references", projects, references);
if (write && (missingRefs.length || references.some((r) => !projects.includes(r)))) {
  const list = projects.map((path) => `    { "path": "${path}" }`).join(",\n");
  tsconfig = tsconfig.replace(/"references":\s*\[[^\]]*\]/, `"references": [\n${list}\n  ]`);
  writeFileSync(join(ROOT, "tsconfig.json"), tsconfig);
  console.log("check-registry: rewrote tsconfig.json references");
}

if (write) {
  console.log("check-registry --write: done; run it again without --write to check the rest");
  process.exit(0);
}
if (problems.length) {
  console.error(
    `${problems.join("\n")}\nproducts.json is the registry: fix the places above (\`node scripts/check-registry.mjs --write\` fixes wrangler.toml and tsconfig.json).`,
  );
  process.exit(1);
}
console.log(`check-registry: ${registry.products.length} products agree with wrangler.toml, the edge Env, README.md and tsconfig.json`);
