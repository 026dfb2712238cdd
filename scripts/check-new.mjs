// CI's check that `pnpm new` makes a product that passes CI untouched (run by .ci/run after lint).
// In a throw-away copy of the working tree (tracked and unignored files; no node_modules), it generates
// `zz-kit-plain` (no options) and `zz-kit-check --do Room --queue jobs --r2 --kv`, installing offline from
// the pnpm store, then runs what CI would run on them: the registry check, `pnpm types --check`, tsc, biome
// and their vitest projects; then `--remove` must restore every file the generator touched. The real tree
// is never written to.
// Usage: node scripts/check-new.mjs [--keep] (keep the copy for a look)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ROOT } from "./lib.mjs";

/** Both sides of every `@@if` in the template: no options, and all of them. */
const PRODUCTS = [
  { name: "zz-kit-plain", flags: [] },
  { name: "zz-kit-check", flags: ["--do", "Room", "--queue", "jobs", "--r2", "--kv"] },
];
const keep = process.argv.includes("--keep");
const started = Date.now();
const env = {
  ...process.env,
  CI: "true",
  NO_COLOR: "1",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};
const copy = mkdtempSync(join(tmpdir(), "edgeworks-check-new-"));
const timings = [];

function step(label, cmd, args, options = {}) {
  const t = Date.now();
  const res = spawnSync(cmd, args, { cwd: copy, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  const seconds = ((Date.now() - t) / 1000).toFixed(1);
  timings.push(`${label} ${seconds} s`);
  if (res.status !== 0) {
    console.error(`check-new: ${label} failed (${res.status}) in ${copy}\n${res.stdout ?? ""}${res.stderr ?? ""}`);
    if (!keep) rmSync(copy, { recursive: true, force: true });
    process.exit(1);
  }
  console.log(`check-new: ${label} ok (${seconds} s)`);
  return `${res.stdout ?? ""}${res.stderr ?? ""}`;
}

const node = (label, args) => step(label, process.execPath, args);
/** Hashes of the files the generator edits outside its own folders: --remove must give them back. */
const REGISTERED = [
  "products.json",
  "README.md",
  "wrangler.toml",
  "tsconfig.json",
  "pnpm-lock.yaml",
  "workers/edge/worker-configuration.d.ts",
];
const hashes = () =>
  REGISTERED.map((f) =>
    createHash("sha256")
      .update(readFileSync(join(copy, f)))
      .digest("hex"),
  );

// the working tree as CI sees it: tracked and untracked-but-not-ignored files that exist (without git: all
// but the ignored folders)
const inGit = spawnSync("git", ["-C", ROOT, "rev-parse", "--is-inside-work-tree"], { encoding: "utf8" }).stdout?.trim() === "true";
const list = inGit
  ? `git -C "${ROOT}" ls-files -z --cached --others --exclude-standard | (cd "${ROOT}" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\\0" "$f"; done' _) | tar -C "${ROOT}" --null -T - -cf -`
  : `tar -C "${ROOT}" --exclude=node_modules --exclude=.wrangler --exclude=.git --exclude=.tmp --exclude=.dev.vars -cf - .`;
step("copy", "sh", ["-c", `${list} | tar -xf -`]);
const before = hashes();

for (const p of PRODUCTS) node(`generate ${p.name}`, ["scripts/new.mjs", p.name, ...p.flags, "--no-client"]);
node("registry check", ["scripts/check-registry.mjs"]);
node("types --check", ["scripts/types.mjs", "--check"]);
const dirs = PRODUCTS.flatMap((p) => [`workers/${p.name}`, `migrations/${p.name}`]);
node("biome", [join(copy, "node_modules", "@biomejs", "biome", "bin", "biome"), "check", "--error-on-warnings", ...dirs]);
const results = PRODUCTS.map((p) => {
  node(`tsc ${p.name}`, [join(copy, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", `workers/${p.name}`]);
  const out = node(`vitest ${p.name}`, [
    join(copy, "node_modules", "vitest", "vitest.mjs"),
    "run",
    "--config",
    `workers/${p.name}/vitest.config.ts`,
  ]);
  // what a new product starts with: every file the generator wrote for it (its generated Env included)
  const files = [`workers/${p.name}`, `migrations/${p.name}`].flatMap((dir) =>
    readdirSync(join(copy, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !/(^|\/)(node_modules|\.wrangler)(\/|$)/.test(relative(copy, join(e.parentPath, e.name))))
      .map((e) => join(e.parentPath, e.name)),
  );
  const lines = files.reduce((n, f) => n + readFileSync(f, "utf8").split("\n").length - 1, 0);
  // its OpenAPI document passes Redocly's recommended rules as generated
  node(`lint-openapi ${p.name}`, ["scripts/lint-openapi.mjs", "--live", p.name]);
  return `${p.name} ${p.flags.join(" ") || "(no options)"}: ${files.length} files, ${lines} lines, ${/Tests\s+(\d+) passed/.exec(out)?.[1] ?? "?"} tests`;
});

for (const p of PRODUCTS) node(`remove ${p.name}`, ["scripts/new.mjs", p.name, "--remove", "--no-client"]);
const changed = REGISTERED.filter((_, i) => hashes()[i] !== before[i]);
const left = dirs.filter((dir) => existsSync(join(copy, dir)));
if (changed.length || left.length) {
  console.error(`check-new: --remove left changes in ${[...changed, ...left].join(", ")} (${copy})`);
  process.exit(1);
}

if (!keep) rmSync(copy, { recursive: true, force: true });
console.log(
  `check-new: generated products pass; ${results.join("; ")}; ` +
    `${((Date.now() - started) / 1000).toFixed(0)} s (${timings.join(", ")})${keep ? `; kept ${copy}` : ""}`,
);
