// `pnpm types`: regenerates each Worker's worker-configuration.d.ts from its wrangler.toml.
// `--check`: fails if any committed file has drifted from its config (run by `pnpm typecheck` and CI).
// Secrets are never inferred from a developer's .dev.vars (the output must be the same on every
// machine): a Worker declares its secrets in src/secrets.d.ts.
import { join, relative } from "node:path";
import { ROOT, workerConfigs, wrangler } from "./lib.mjs";

const noSecrets = "/dev/null"; // an empty env file: nothing to infer

const check = process.argv.includes("--check");
for (const w of workerConfigs()) {
  const out = relative(ROOT, join(w.dir, "worker-configuration.d.ts"));
  const args = ["types", out, "-c", relative(ROOT, w.config), "--include-runtime=false", "--strict-vars=false", "--env-file", noSecrets];
  try {
    wrangler(check ? [...args, "--check"] : args, { stdio: check ? "pipe" : "inherit" });
  } catch {
    console.error(`${out} is out of date with ${relative(ROOT, w.config)}: run \`pnpm types\` and commit the result.`);
    process.exit(1);
  }
}
console.log(check ? "wrangler types: up to date" : "wrangler types: regenerated");
