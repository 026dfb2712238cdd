// The chat end-to-end test drives Debian's Chromium through playwright-core (browsers can't be
// downloaded here: only the npm registry and apt are reachable). Run by `pnpm test` before vitest:
// if /usr/bin/chromium is missing and apt-get is available as root (a fresh machine of this kind,
// or CI), it installs it (about 125 MB, ~10 s); otherwise it says what to run and exits non-zero.
// Usage: node scripts/ensure-chromium.mjs
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

if (!existsSync(CHROMIUM)) {
  const root = process.getuid?.() === 0;
  const apt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  const sudo = !root && spawnSync("sh", ["-c", "sudo -n true"], { stdio: "ignore" }).status === 0;
  if (!apt || !(root || sudo)) {
    console.error(`Chromium is missing at ${CHROMIUM}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  console.log("installing Chromium for the browser tests (apt-get install chromium)…");
  const prefix = root ? "" : "sudo -n ";
  const run = (cmd) => {
    const result = spawnSync("sh", ["-c", `${prefix}${cmd}`], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (result.status !== 0) {
      console.error(`failed: ${cmd}`);
      process.exit(1);
    }
  };
  run("apt-get update -q");
  run("apt-get install -y -q --no-install-recommends chromium");
  if (!existsSync(CHROMIUM)) {
    console.error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
    process.exit(1);
  }
  console.log(`installed ${CHROMIUM}`);
}
