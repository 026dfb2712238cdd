// `pnpm types`: regenerates each Worker's worker-configuration.d.ts from its wrangler.toml.
// `--check`: fails if any committed file has drifted from its config (run by `pnpm typecheck` and CI).
// It regenerates and compares, because `wrangler types --check` ignores --env-file and so hashes
// whatever secrets a local .dev.vars happens to hold. Secrets are never inferred here (the output must
// be the same on every machine): a Worker declares its secrets in src/secrets.d.ts.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, workerConfigs, wrangler } from "./lib.mjs";

const check = process.argv.includes("--check");
const drifted = [];
for (const w of workerConfigs()) {
  const file = join(w.dir, "worker-configuration.d.ts");
  const before = existsSync(file) ? readFileSync(file, "utf8") : null;
  const out = relative(ROOT, file);
  wrangler(["types", out, "-c", relative(ROOT, w.config), "--include-runtime=false", "--strict-vars=false", "--env-file", "/dev/null"], {
    stdio: check ? "pipe" : "inherit",
  });
  if (check && readFileSync(file, "utf8") !== before) {
    drifted.push(`${out} is out of date with ${relative(ROOT, w.config)}`);
    if (before === null) unlinkSync(file);
    else writeFileSync(file, before); // a check changes nothing
  }
}
if (drifted.length) {
  console.error(`${drifted.join("\n")}\nRun \`pnpm types\` and commit the result.`);
  process.exit(1);
}
console.log(check ? "wrangler types: up to date" : "wrangler types: regenerated");
