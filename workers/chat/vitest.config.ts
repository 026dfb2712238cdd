import { generateKeyPairSync } from "node:crypto";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { workerTestConfig } from "../../packages/testing/src/vitest-config.ts";

/** A fresh VAPID key pair per run (raw public key, PKCS#8 private key, base64url), as web-push-browser reads them. */
function vapidKeys() {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? "", "base64url"), Buffer.from(jwk.y ?? "", "base64url")]);
  return {
    VAPID_PUBLIC_KEY: raw.toString("base64url"),
    VAPID_PRIVATE_KEY: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64url"),
  };
}

export default defineConfig(async () => {
  const config = await workerTestConfig({
    name: "chat",
    dir: new URL(".", import.meta.url),
    database: "chat",
    fakeAccounts: {},
    bindings: { DEV_MODE: "true", ...vapidKeys() },
  });
  // a local fake push service (node:http) that records what Web Push delivery sends
  return { ...config, test: { ...config.test, globalSetup: [fileURLToPath(new URL("./test/fake-push-service.ts", import.meta.url))] } };
});
