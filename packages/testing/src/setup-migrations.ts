// vitest setup file of every Worker with a D1 database (see workerTestConfig): runs before each test
import type { D1Migration } from "cloudflare:test";
// file; only migrations not yet applied are applied.
import { applyD1Migrations, env } from "cloudflare:test";

await applyD1Migrations((env as unknown as { DB: D1Database }).DB, (env as unknown as { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS);
