import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The D1 of the catalog Worker running beside this one (mesh). */
      MESH_DB_COMMERCE_CATALOG: D1Database;
    }
  }
}
