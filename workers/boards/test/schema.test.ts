import { env } from "cloudflare:test";
import { expectSchemaInSync } from "@edgeworks/testing";
import { it } from "vitest";
import * as schema from "../src/schema";

// schema.ts is what the code queries through; the SQL migrations are what D1 really has. This keeps
// them in step: tables, columns, defaults, UNIQUE constraints and indexes (FTS5 tables stay SQL-only).
it("src/schema.ts matches the migrated database", async () => {
  await expectSchemaInSync(env.DB, schema);
});
