import { afterAll, afterEach, beforeAll } from "vitest";
import { type DevServer, startDev } from "../../../packages/testing/src/dev-server.ts";
import { dashboardSuite } from "./dashboard";
import { useDevServer } from "./harness";
import { hostileSuite } from "./hostile";
import { policiesSuite } from "./policies";
import { resilienceSuite } from "./resilience";
import { routingSuite } from "./routing";

// The API gateway under `pnpm dev` (DEV_MODE=true: loopback upstream targets are allowed), driven from outside
// through the front door: the admin API at /gateway/v1 with real accounts users, proxied traffic at
// /gw/<workspace>/…, and local Node HTTP upstreams (upstream.ts) that the suites slow down, fail, flap, stop and
// restart. One dev server for all four suites (18 Workers start in it: once is enough), started in this file so
// it runs beside the other projects' tests instead of holding up the whole run as a global setup would; each
// suite makes its own users, workspaces and upstreams. GATEWAY_E2E_DEV_URL=http://127.0.0.1:PORT runs them
// against a dev server that is already up (started with the same DEV_VARS) while working on them; CI never sets it.

let dev: DevServer | undefined;

beforeAll(async () => {
  const given = process.env.GATEWAY_E2E_DEV_URL;
  if (given) return useDevServer(given);
  dev = await startDev({
    timeoutMs: 300_000,
    // the admin API's per-user write limit (600/min) is for people; the suites configure dozens of things fast
    env: { DEV_VARS: JSON.stringify({ gateway: { WRITE_RATE_LIMIT_PER_MINUTE: "100000" } }) },
  });
  useDevServer(dev.url);
});
// a failure in CI leaves only the assertion: the dev server's errors and reloads around it are printed with it
afterEach((context) => {
  if (context.task.result?.state !== "fail" || !dev) return;
  const lines = dev.output().split("\n");
  const notable = lines.filter((line) => /error|exception|restart|reload|unavailable/i.test(line)).slice(-40);
  console.error(`dev server output (notable lines of ${lines.length}):\n${notable.join("\n")}`);
});
afterAll(async () => {
  await dev?.stop();
});

routingSuite();
resilienceSuite();
policiesSuite();
hostileSuite();
dashboardSuite();
