import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      TEST_MIGRATIONS: D1Migration[];
      ORDERS_EVENTS: Queue;
      CATALOG_EVENTS: Queue;
      LOGS: Queue;
      LOG_LEVEL: string;
    }
  }
}
