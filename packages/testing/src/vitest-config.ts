// Node side: the vitest config every product Worker shares (workers in workerd, real local bindings).
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import type { ViteUserConfig } from "vitest/config";
import { type FakeApiKeys, fakeAccountsWorker, migrationsDir } from "./node.ts";

export interface WorkerTestOptions {
  /** The vitest project name (`pnpm vitest --project <name>`). */
  name: string;
  /** The Worker's folder: `new URL(".", import.meta.url)` in its vitest.config.ts. */
  dir: URL;
  /** The D1 database under migrations/, applied before each test file. */
  database: string;
  /** Extra bindings over wrangler.toml's (LOG_LEVEL is "silent"). */
  bindings?: Record<string, string>;
  /** Replace the ACCOUNTS service binding with the fake accounts Worker knowing these API keys. */
  fakeAccounts?: FakeApiKeys;
  /** Or with this auxiliary Worker (a product's own stand-in, when it calls more of accounts). */
  accountsWorker?: { name: string; modules: true; scriptPath: string; compatibilityDate: string; bindings?: Record<string, string> };
}

/**
 * The vitest config of a product Worker: its wrangler.toml bindings, migrations applied per test
 * file, request logs off, and (for products) accounts replaced by the fake accounts Worker, so the
 * real token verification path runs.
 *
 * @example export default defineConfig(() => workerTestConfig({ name: "todo", dir: new URL(".", import.meta.url), database: "todo", fakeAccounts: TEST_API_KEYS }));
 */
export async function workerTestConfig(options: WorkerTestOptions): Promise<ViteUserConfig> {
  const standIn = options.accountsWorker ?? (options.fakeAccounts ? fakeAccountsWorker(options.fakeAccounts) : undefined);
  const accounts = standIn ? { serviceBindings: { ACCOUNTS: standIn.name }, workers: [standIn] } : {};
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { TEST_MIGRATIONS: await readD1Migrations(migrationsDir(options.database)), LOG_LEVEL: "silent", ...options.bindings },
          ...accounts,
        },
      }),
    ],
    test: {
      name: options.name,
      root: fileURLToPath(options.dir),
      include: ["test/**/*.test.ts"],
      setupFiles: [fileURLToPath(new URL("./setup-migrations.ts", import.meta.url))],
    },
  };
}
