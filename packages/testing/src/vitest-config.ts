// Node side: the vitest config every product Worker shares (workers in workerd, real local bindings).
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import type { ViteUserConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";
import { startStripeFake } from "../../stripe-fake/src/index.mjs";
import { meshWorkers } from "./mesh.ts";
import { type FakeApiKeys, fakeAccountsWorker, migrationsDir } from "./node.ts";

/** The secret key the Worker gets under `stripe: true` (any `sk_test_…` is accepted by the stand-in). */
export const TEST_STRIPE_SECRET_KEY = "sk_test_edgeworks";
/** The webhook signing secret of the stand-in's `pull://tests` endpoint under `stripe: true`. */
export const TEST_STRIPE_WEBHOOK_SECRET = "whsec_test_edgeworks";

/**
 * The `[vars]` of the Worker's wrangler.toml, given again as bindings: wrangler also reads the Worker's
 * `.dev.vars`, which `pnpm dev` writes (DEV_MODE="true", a dev server's DEV_VARS), so without this a test would
 * see dev values or not depending on whether an e2e project had started a dev server earlier in the run.
 * Tests see the deployed defaults; `bindings` changes them on purpose. (Secrets that only .dev.vars holds stay
 * unset unless `bindings` gives them: a fresh clone has no .dev.vars either.)
 */
function configuredVars(dir: URL): Record<string, unknown> {
  const config = unstable_readConfig({ config: fileURLToPath(new URL("./wrangler.toml", dir)) }, { hideWarnings: true });
  return { ...config.vars };
}

/**
 * One Stripe stand-in per vitest project run (started while the config loads, so its port can be a
 * binding; unref'd, so it ends with the run). Deliveries for the Worker wait at `pull://tests`.
 */
async function stripeBindings(): Promise<Record<string, string>> {
  const fake = await startStripeFake({
    unref: true,
    endpoints: [{ url: "pull://tests", secret: TEST_STRIPE_WEBHOOK_SECRET }],
    retry: { baseMs: 10 },
  });
  return { STRIPE_API_BASE: fake.url, STRIPE_SECRET_KEY: TEST_STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: TEST_STRIPE_WEBHOOK_SECRET };
}

export interface WorkerTestOptions {
  /** The vitest project name (`pnpm vitest --project <name>`). */
  name: string;
  /** The Worker's folder: `new URL(".", import.meta.url)` in its vitest.config.ts. */
  dir: URL;
  /** The D1 database under migrations/ (repository root), applied before each test file. */
  database?: string;
  /** Or a migrations folder anywhere (absolute path or URL), instead of `database`. */
  migrations?: string | URL;
  /** Extra bindings over wrangler.toml's (LOG_LEVEL is "silent"). */
  bindings?: Record<string, string>;
  /** Replace the ACCOUNTS service binding with the fake accounts Worker knowing these API keys. */
  fakeAccounts?: FakeApiKeys;
  /** Or with this auxiliary Worker (a product's own stand-in, when it calls more of accounts). */
  accountsWorker?: { name: string; modules: true; scriptPath: string; compatibilityDate: string; bindings?: Record<string, string> };
  /**
   * Start the Stripe stand-in (packages/stripe-fake) on a free port and bind STRIPE_API_BASE,
   * STRIPE_SECRET_KEY (`sk_test_edgeworks`) and STRIPE_WEBHOOK_SECRET (`whsec_test_edgeworks`, the secret of
   * its `pull://tests` endpoint; tests pull deliveries with `@edgeworks/stripe-fake/control`).
   */
  stripe?: boolean;
  /**
   * Sibling Workers (folder names under workers/, e.g. ["commerce-catalog", "commerce-payments"]) that run in the same
   * workerd as auxiliary Workers, each bundled from its own wrangler.toml by wrangler's bundler (as deployed), so the
   * Worker under test calls the real ones over its service bindings (RPC entrypoints included) and their queues.
   * Each mesh Worker's D1 database is also bound to the Worker under test as `MESH_DB_<FOLDER_IN_UPPER_SNAKE>`
   * (`MESH_DB_<FOLDER>_<BINDING>` for a binding other than DB) and migrated before each test file.
   */
  mesh?: string[];
  /** Extra/overriding vars per mesh Worker: { "commerce-orders": { PAYMENT_TIMEOUT_SECONDS: "2" } }. */
  meshBindings?: Record<string, Record<string, string>>;
  /** Where the `mesh` folder names are (default: the repository's workers/; the fixtures use their own). */
  meshDir?: string | URL;
  /**
   * Extra Workers run beside the Worker under test (fake upstreams, stand-ins), each bound to it as a service
   * binding named `bindAs` (when given). A `.ts` script is transpiled (types stripped, no bundling: it may
   * import nothing but `cloudflare:*`/runtime modules); the same script may run several times under other names.
   */
  auxiliaryWorkers?: AuxiliaryWorker[];
}

/** One extra Worker of {@link WorkerTestOptions.auxiliaryWorkers}. */
export interface AuxiliaryWorker {
  /** Its Miniflare name (unique in the run). */
  name: string;
  /** A module Worker: `.js` as is, `.ts` with its types stripped. */
  scriptPath: string | URL;
  /** The service binding the Worker under test gets for it. */
  bindAs?: string;
  /** Its vars. */
  bindings?: Record<string, string>;
  compatibilityDate?: string;
}

/** The Miniflare definition of an auxiliary Worker (a `.ts` module is transpiled once per script). */
async function auxiliaryWorker(worker: AuxiliaryWorker) {
  const path = typeof worker.scriptPath === "string" ? worker.scriptPath : fileURLToPath(worker.scriptPath);
  const common = { name: worker.name, compatibilityDate: worker.compatibilityDate ?? "2026-04-01", bindings: worker.bindings ?? {} };
  if (!path.endsWith(".ts")) return { ...common, modules: true, scriptPath: path };
  const [{ readFile }, ts] = await Promise.all([import("node:fs/promises"), import("typescript")]);
  const source = await readFile(path, "utf8");
  const { outputText } = ts.default.transpileModule(source, {
    compilerOptions: { module: ts.default.ModuleKind.ESNext, target: ts.default.ScriptTarget.ES2022 },
    fileName: path,
  });
  return { ...common, modules: [{ type: "ESModule" as const, path: path.replace(/\.ts$/, ".js"), contents: outputText }] };
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
  const aux = await Promise.all((options.auxiliaryWorkers ?? []).map(auxiliaryWorker));
  const auxBindings = Object.fromEntries((options.auxiliaryWorkers ?? []).flatMap((w) => (w.bindAs ? [[w.bindAs, w.name] as const] : [])));
  const accounts = standIn
    ? { serviceBindings: { ACCOUNTS: standIn.name, ...auxBindings }, workers: [standIn, ...aux] }
    : aux.length
      ? { serviceBindings: auxBindings, workers: aux }
      : {};
  const stripe = options.stripe ? await stripeBindings() : {};
  const migrations = options.migrations ?? (options.database ? migrationsDir(options.database) : undefined);
  if (!migrations) throw new Error(`workerTestConfig(${options.name}): give \`database\` or \`migrations\``);
  const mesh = options.mesh?.length
    ? await meshWorkers({
        names: options.mesh,
        dir: options.meshDir,
        mainConfig: fileURLToPath(new URL("./wrangler.toml", options.dir)),
        accounts: standIn?.name,
        stripe,
        bindings: options.meshBindings,
      })
    : undefined;
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...(configuredVars(options.dir) as Record<string, string>),
            TEST_MIGRATIONS: await readD1Migrations(typeof migrations === "string" ? migrations : fileURLToPath(migrations)),
            LOG_LEVEL: "silent",
            ...stripe,
            ...(mesh ? { TEST_MESH_MIGRATIONS: mesh.migrations } : {}),
            ...options.bindings,
          },
          ...accounts,
          ...(mesh
            ? {
                d1Databases: mesh.d1Databases,
                workers: [...(accounts.workers ?? []), ...mesh.workers],
              }
            : {}),
        },
      }),
    ],
    test: {
      name: options.name,
      root: fileURLToPath(options.dir),
      include: ["test/**/*.test.ts"],
      // CI shares 2 cores among every project at once: a test that takes 3 s alone can take 6 s there. A limit
      // is for a test that hangs, never a performance check (pnpm bench measures speed)
      testTimeout: 20_000,
      hookTimeout: 30_000,
      setupFiles: [
        fileURLToPath(new URL("./setup-migrations.ts", import.meta.url)),
        // every response a test receives is checked against the product's OpenAPI document
        fileURLToPath(new URL("./setup-contract.ts", import.meta.url)),
      ],
    },
  };
}
