// `pnpm types`: regenerates each Worker's worker-configuration.d.ts from its wrangler.toml.
// `--check`: fails if any committed file has drifted from its config (run by `pnpm typecheck` and CI).
import { join, relative } from "node:path";
import { ROOT, workerConfigs, wrangler } from "./lib.mjs";

const check = process.argv.includes("--check");
for (const w of workerConfigs()) {
  const out = relative(ROOT, join(w.dir, "worker-configuration.d.ts"));
  const args = ["types", out, "-c", relative(ROOT, w.config), "--include-runtime=false", "--strict-vars=false"];
  try {
    wrangler(check ? [...args, "--check"] : args, { stdio: check ? "pipe" : "inherit" });
  } catch {
    console.error(`${out} is out of date with ${relative(ROOT, w.config)}: run \`pnpm types\` and commit the result.`);
    process.exit(1);
  }
}
console.log(check ? "wrangler types: up to date" : "wrangler types: regenerated");
