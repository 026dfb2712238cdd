import { defineConfig } from "vitest/config";
import { TEST_PRIVATE_JWKS } from "../../packages/testing/src/node.ts";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

export default defineConfig(() =>
  workerTestConfig({
    name: "accounts",
    dir: new URL(".", import.meta.url),
    database: "accounts",
    // the test keys: tokens minted by @edgeworks/testing verify here, and ours verify with TEST_PUBLIC_JWKS
    // PUBLIC_ORIGIN: links in emails point there whatever host a request named (test/public-origin.test.ts)
    bindings: { JWT_PRIVATE_KEYS: JSON.stringify(TEST_PRIVATE_JWKS), DEV_MODE: "true", PUBLIC_ORIGIN: "https://edgeworks.example" },
  }),
);
