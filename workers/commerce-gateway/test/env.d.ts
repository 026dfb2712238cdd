import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      STRIPE_API_BASE?: string;
      MESH_DB_COMMERCE_ORDERS?: D1Database;
      MESH_DB_COMMERCE_CATALOG?: D1Database;
      MESH_DB_COMMERCE_PAYMENTS?: D1Database;
    }
  }
}
