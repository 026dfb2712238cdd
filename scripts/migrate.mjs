// `pnpm db:migrate`: applies every D1 database's migrations to the local state (or `--remote`).
// Every database is attempted even when one fails; the failures are reported together at the end (exit 1).
// `--remote` refuses while a config still has the committed placeholder id (00000000-…): `pnpm run deploy`
// creates the databases and writes their ids first (and then migrates them itself).
// Usage: node scripts/migrate.mjs [--persist-to DIR] [--remote]
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { databases, ROOT, wrangler } from "./lib.mjs";

/** The placeholder ids committed in the configs (never a real database). */
const PLACEHOLDER = /^0{8}-0{4}-0{4}-0{4}-0{8}[0-9]{4}$/;

/** The database_id of `database` in its Worker's config, if the config has one. */
export function databaseId(configText, database) {
  let inD1 = false;
  let block = [];
  const blocks = [];
  for (const raw of configText.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      if (inD1) blocks.push(block);
      inD1 = line === "[[d1_databases]]";
      block = [];
    } else if (inD1) block.push(line);
  }
  if (inD1) blocks.push(block);
  const value = (lines, key) => {
    const l = lines.find((x) => x.startsWith(key) && x.slice(key.length).trimStart().startsWith("="));
    return l?.slice(l.indexOf('"') + 1, l.lastIndexOf('"'));
  };
  const hit = blocks.find((b) => value(b, "database_name") === database);
  return hit ? value(hit, "database_id") : undefined;
}

/**
 * Applies all migrations of every database, locally under `persistTo` unless `remote`. Throws after the
 * last database when any failed, naming each one; `run` is wrangler (tests pass their own).
 */
export function migrateAll({ persistTo = join(ROOT, ".wrangler", "state"), remote = false, quiet = false, run, checkIds = remote } = {}) {
  const exec = run ?? ((args) => wrangler(args, { stdio: quiet ? "pipe" : "inherit" }));
  const dbs = databases();
  if (checkIds) {
    const unset = dbs.filter((db) =>
      PLACEHOLDER.test(databaseId(readFileSync(db.config, "utf8"), db.database) ?? "00000000-0000-0000-0000-000000000000"),
    );
    if (unset.length) {
      throw new Error(
        `${unset.map((db) => `${db.database} (${relative(ROOT, db.config)})`).join(", ")} still have the placeholder database_id: ` +
          "run `pnpm run deploy`, which creates every database, writes its id and applies the migrations",
      );
    }
  }
  const failed = [];
  for (const db of dbs) {
    const where = remote ? ["--remote"] : ["--local", "--persist-to", persistTo];
    // a second attempt: on a loaded machine the local apply's workerd now and then exits 1 without a word
    // (seen once in CI); applied migrations are recorded, so a retry only applies what is missing
    for (let attempt = 1; ; attempt++) {
      try {
        exec(["d1", "migrations", "apply", db.database, "-c", db.config, ...where]);
        if (!quiet) console.log(`migrated ${db.database}`);
        break;
      } catch (err) {
        if (attempt < 2 && !remote) continue;
        failed.push(`${db.database}: ${err.message}`);
        if (!quiet) console.error(`failed to migrate ${db.database}: ${err.message}`);
        break;
      }
    }
  }
  if (failed.length) throw new Error(`migrations failed for ${failed.length} of ${dbs.length} databases:\n${failed.join("\n")}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { "persist-to": { type: "string" }, remote: { type: "boolean" } } });
  try {
    migrateAll({ persistTo: values["persist-to"], remote: values.remote });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
