import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * vitest-pool-workers loads a `.wasm` import (photon's, for image.thumbnail) by joining vite's
 * `/@fs/<absolute path>` onto this Worker's root, which fails for files pnpm keeps outside it
 * (`No such module "…/@fs/…/photon_rs_bg.wasm?mf_vitest_force=CompiledWasm"`). So each `.wasm` that
 * resolves outside the root is copied under `node_modules/.wasm-vitest/` and imported from there.
 * `wrangler dev` and deploy bundle the file themselves and need nothing.
 */
function wasmInsideRoot(): Plugin {
  return {
    name: "edgeworks:wasm-inside-root",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (!source.split("?")[0]?.endsWith(".wasm")) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const file = resolved?.id.split("?")[0];
      if (!file || !relative(root, file).startsWith("..")) return null;
      const dir = join(root, "node_modules/.wasm-vitest");
      mkdirSync(dir, { recursive: true });
      const target = join(dir, `${createHash("sha256").update(file).digest("hex").slice(0, 12)}-${basename(file)}`);
      copyFileSync(file, target);
      return target;
    },
  };
}

export default defineConfig(async () => {
  const config = await workerTestConfig({
    name: "jobs",
    dir: new URL(".", import.meta.url),
    database: "jobs",
    // accounts is replaced by the fake accounts Worker, so the real token verification path runs
    fakeAccounts: { valid: {} },
    // http.request's HMAC key: a secret in production (`[secrets] required`), a fixed value in tests
    bindings: { JOBS_SIGNING_SECRET: "test-jobs-signing-secret" },
  });
  return { ...config, plugins: [wasmInsideRoot(), ...(config.plugins ?? [])] };
});
