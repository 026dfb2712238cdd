import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../packages/testing/src/dev-server.ts";

// packages/testing's startDev, plus what the shop e2e needs from it: the state directory (for
// `pnpm admin:grant --persist-to`) and the Stripe stand-in on a port of its own (STRIPE_FAKE_PORT), so this
// run never meets a developer's `pnpm dev` on 12111. Asked for in startDev itself (requests.md); until then
// this copy.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A running `pnpm dev`: its front door, its state directory and the Stripe stand-in's origin. */
export interface ShopDev {
  url: string;
  state: string;
  stripe: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `pnpm dev` (scripts/dev.mjs) on free ports with its own state directory and waits for /health. */
export async function startShopDev(): Promise<ShopDev> {
  const [port, inspectorPort, stripePort] = [await freePort(), await freePort(), await freePort()];
  const state = mkdtempSync(join(tmpdir(), "edgeworks-shop-e2e-"));
  let log = "";
  const child: ChildProcess = spawn(
    process.execPath,
    ["scripts/dev.mjs", "--port", String(port), "--inspector-port", String(inspectorPort), "--persist-to", state, "--log-level", "warn"],
    {
      cwd: ROOT,
      env: { ...process.env, CI: "true", STRIPE_FAKE_PORT: String(stripePort) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so stop() also ends workerd and the stand-in
    },
  );
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dev server exited with ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`dev server did not answer /health in 120 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    state,
    stripe: `http://127.0.0.1:${stripePort}`,
    output: () => log,
    stop: async () => {
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, "SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}
