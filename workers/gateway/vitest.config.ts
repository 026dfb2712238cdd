import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

/** The fake upstream (test/upstream/worker.ts) runs three times, as the targets a service may bind. */
const upstreams = ["A", "B", "C"].map((name) => ({
  name: `upstream-${name.toLowerCase()}`,
  scriptPath: new URL("./test/upstream/worker.ts", import.meta.url),
  bindAs: `UPSTREAM_${name}`,
  bindings: { NAME: name },
}));

export default defineConfig(() =>
  workerTestConfig({
    name: "gateway",
    dir: new URL(".", import.meta.url),
    database: "gateway",
    // accounts is replaced by the fake accounts Worker, so the real token verification path runs
    fakeAccounts: { valid: {} },
    auxiliaryWorkers: upstreams,
    // DEV_MODE is pinned: `pnpm dev` writes DEV_MODE=true to .dev.vars, which wrangler would read here too
    bindings: { UPSTREAM_BINDINGS: upstreams.map((u) => u.bindAs).join(","), DEV_MODE: "false" },
  }),
);
