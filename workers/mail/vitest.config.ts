import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

// The mail Worker with its wrangler.toml bindings (the local send_email binding included). Dev mode is on,
// so by default it captures; tests of the production path pass their own env (http against the fake
// provider of @edgeworks/mail/testing, or the cloudflare binding).
export default defineConfig(() =>
  workerTestConfig({
    name: "mail",
    dir: new URL(".", import.meta.url),
    database: "mail",
    bindings: { DEV_MODE: "true", MAIL_FROM: "no-reply@edgeworks.test" },
  }),
);
