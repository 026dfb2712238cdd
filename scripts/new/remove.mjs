// `node scripts/new.mjs <name> --remove`: undoes `pnpm new <name>`: deletes workers/<name>/ and
// migrations/<name>/, its products.json entry, README row, wrangler.toml [[services]], tsconfig reference,
// its typed client files, then reinstalls and regenerates the edge's Env. For a product that was only just
// generated (CI's check, a wrong name); a product in use is retired by hand, with a migration plan.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, wrangler } from "../lib.mjs";

const read = (file) => readFileSync(join(ROOT, file), "utf8");
const write = (file, text) => writeFileSync(join(ROOT, file), text);
const run = (cmd, args) => {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit" });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with ${res.status}`);
};

/** Removes every trace of product `name` that `pnpm new` wrote. */
export function removeProduct(name, { install = true, client = true } = {}) {
  const registry = JSON.parse(read("products.json"));
  const entry = registry.products.find((p) => p.worker === name);
  if (!entry && !existsSync(join(ROOT, "workers", name))) throw new Error(`no product ${name} to remove`);

  for (const dir of [`workers/${name}`, `migrations/${name}`]) rmSync(join(ROOT, dir), { recursive: true, force: true });
  if (entry) {
    // the entry as new.mjs wrote it: its own object in the products list
    const products = read("products.json").replace(new RegExp(`,\\n {4}\\{\\n {6}"worker": "${name}",[^}]*\\}`), "");
    JSON.parse(products);
    write("products.json", products);
    const wranglerToml = read("wrangler.toml").replace(
      new RegExp(`\\n+\\[\\[services\\]\\]\\nbinding = "${entry.binding}"\\nservice = "${entry.service}"\\n`),
      "\n",
    );
    write("wrangler.toml", wranglerToml);
  }
  const readme = read("README.md")
    .split("\n")
    .filter((l) => !(l.startsWith("|") && l.includes(`\`workers/${name}\``) && l.includes("✅")))
    .join("\n");
  write("README.md", readme);
  run(process.execPath, ["scripts/check-registry.mjs", "--write"]); // drops the tsconfig reference
  run(process.execPath, [
    join(ROOT, "node_modules", "@biomejs", "biome", "bin", "biome"),
    "format",
    "--write",
    "products.json",
    "tsconfig.json",
    "README.md",
  ]);
  for (const file of [`packages/client/openapi/${name}.json`, `packages/client/src/generated/${name}.ts`]) {
    rmSync(join(ROOT, file), { force: true });
  }
  if (install) run("npx", ["-y", "pnpm@10.34.9", "install", "--prefer-offline", "--no-frozen-lockfile"]);
  wrangler(
    [
      "types",
      "workers/edge/worker-configuration.d.ts",
      "-c",
      "wrangler.toml",
      "--include-runtime=false",
      "--strict-vars=false",
      "--env-file",
      "/dev/null",
    ],
    {
      stdio: "pipe",
    },
  );
  if (client && existsSync(join(ROOT, "packages/client/src/generated/index.ts")))
    run(process.execPath, ["scripts/client-gen.mjs", "--offline"]);
  console.log(`removed ${name}: workers/${name}, migrations/${name}, products.json, README.md, wrangler.toml, tsconfig.json`);
}
