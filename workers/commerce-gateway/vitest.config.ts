import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

// The six services run beside the gateway (packages/testing `mesh`), each bundled from its wrangler.toml as
// deployed. COMMERCE_GATEWAY_MESH=users,catalog runs only those (the others' bindings answer with the mesh's
// 503 stub); at least one is needed for the stubs to exist.
const SERVICES = ["users", "catalog", "cart", "orders", "payments", "notifications"];
const chosen = process.env.COMMERCE_GATEWAY_MESH?.split(",").filter((s) => SERVICES.includes(s));
const mesh = (chosen?.length ? chosen : SERVICES).map((s) => `commerce-${s}`);

export default defineConfig(() =>
  workerTestConfig({
    name: "commerce-gateway",
    dir: new URL(".", import.meta.url),
    database: "commerce-gateway",
    // accounts is replaced by the fake accounts Worker, so the real token verification path runs
    fakeAccounts: {
      valid: {
        ewk_gateway_test_key_reader_000000000000: { userId: "apikey_owner_1", scopes: ["commerce:read", "commerce:write"] },
        ewk_gateway_test_key_admin_0000000000000: { userId: "apikey_admin_1", scopes: ["*"], roles: ["commerce:admin"] },
      },
    },
    mesh,
    stripe: true,
    // the registry is read from KV on every request, so a test that changes it sees the change
    bindings: { REGISTRY_CACHE_SECONDS: "0", OPENAPI_CACHE_SECONDS: "0", HEALTH_TIMEOUT_MS: "1500", COMMERCE_RATE_LIMIT_PER_MINUTE: "600" },
    meshBindings: mesh.includes("commerce-orders") ? { "commerce-orders": { PAYMENT_TIMEOUT_SECONDS: "30" } } : undefined,
  }),
);
