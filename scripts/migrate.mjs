// `pnpm db:migrate`: applies every D1 database's migrations to the local state (or `--remote`).
// Usage: node scripts/migrate.mjs [--persist-to DIR] [--remote]
import { join } from "node:path";
import { parseArgs } from "node:util";
import { databases, ROOT, wrangler } from "./lib.mjs";

/** Applies all migrations of every database, locally under `persistTo` unless `remote`. */
export function migrateAll({ persistTo = join(ROOT, ".wrangler", "state"), remote = false, quiet = false } = {}) {
  for (const db of databases()) {
    const where = remote ? ["--remote"] : ["--local", "--persist-to", persistTo];
    wrangler(["d1", "migrations", "apply", db.database, "-c", db.config, ...where], { stdio: quiet ? "pipe" : "inherit" });
    if (!quiet) console.log(`migrated ${db.database}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { "persist-to": { type: "string" }, remote: { type: "boolean" } } });
  migrateAll({ persistTo: values["persist-to"], remote: values.remote });
}
