// Type-checks every package and Worker on its own: each Worker has its own generated `Env`, so they
// cannot share one TypeScript program. Also each one's e2e/ (Node) and web/ (browser) projects.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./lib.mjs";

const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const projects = ["packages", "workers"].flatMap((group) =>
  readdirSync(join(ROOT, group))
    .flatMap((name) => [join(group, name), join(group, name, "e2e"), join(group, name, "web")])
    .filter((dir) => existsSync(join(ROOT, dir, "tsconfig.json"))),
);
let failed = 0;
for (const dir of projects) {
  const res = spawnSync(process.execPath, [tsc, "--noEmit", "-p", dir], { cwd: ROOT, stdio: "inherit" });
  if (res.status !== 0) failed++;
  else console.log(`typecheck ${dir}: ok`);
}
process.exit(failed ? 1 : 0);
