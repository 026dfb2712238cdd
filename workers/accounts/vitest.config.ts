import { defineConfig } from "vitest/config";
import { TEST_PRIVATE_JWKS } from "../../packages/testing/src/node.ts";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(async () => {
  const config = await workerTestConfig({
    name: "accounts",
    dir: new URL(".", import.meta.url),
    database: "accounts",
    // the test keys: tokens minted by @edgeworks/testing verify here, and ours verify with TEST_PUBLIC_JWKS
    // PUBLIC_ORIGIN: links in emails point there whatever host a request named (test/public-origin.test.ts)
    // ADMIN_EMAILS: the bootstrap admins of test/roles-bootstrap.test.ts (one address per case; odd spacing and case on purpose)
    bindings: {
      JWT_PRIVATE_KEYS: JSON.stringify(TEST_PRIVATE_JWKS),
      DEV_MODE: "true",
      PUBLIC_ORIGIN: "https://edgeworks.example",
      ADMIN_EMAILS: " Root@Admin.test, verify@admin.test,,stranger@admin.test ,reset@admin.test,listed@admin.test,moved@admin.test",
    },
  });
  // vitest empties CSS imports unless included: test/email-links.test.ts compares the served copy of
  // packages/ui's stylesheet with the source (`ui.css?raw`)
  return { ...config, test: { ...config.test, css: { include: [/ui\.css/] } } };
});
