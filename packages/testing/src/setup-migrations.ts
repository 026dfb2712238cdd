// vitest setup file of every Worker with a D1 database (see workerTestConfig): runs before each test
// file; only migrations not yet applied are applied, to the Worker's DB and (with `mesh`) to each mesh
// Worker's database, bound as MESH_DB_<WORKER> with its migrations in TEST_MESH_MIGRATIONS.
import { applyD1Migrations, type D1Migration, env } from "cloudflare:test";

const bindings = env as unknown as Record<string, unknown> & {
  DB: D1Database;
  TEST_MIGRATIONS: D1Migration[];
  TEST_MESH_MIGRATIONS?: Record<string, D1Migration[]>;
};
await applyD1Migrations(bindings.DB, bindings.TEST_MIGRATIONS);
for (const [binding, migrations] of Object.entries(bindings.TEST_MESH_MIGRATIONS ?? {})) {
  await applyD1Migrations(bindings[binding] as D1Database, migrations);
}
