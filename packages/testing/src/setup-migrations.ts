// vitest setup file of every Worker with a D1 database (see workerTestConfig): runs before each test
// file; only migrations not yet applied are applied.
import { applyD1Migrations, type D1Migration, env } from "cloudflare:test";

await applyD1Migrations((env as unknown as { DB: D1Database }).DB, (env as unknown as { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS);
