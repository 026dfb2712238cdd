import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** The users service's database (the mesh Worker beside this one), to set a customer's preferences. */
      MESH_DB_COMMERCE_USERS: D1Database;
    }
  }
}
