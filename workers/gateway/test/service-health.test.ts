import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("the ServiceHealth Durable Object (SERVICE_HEALTH)", () => {
  it("answers states() before it is configured", async () => {
    const stub = env.SERVICE_HEALTH.get(env.SERVICE_HEALTH.idFromName(`ws/${crypto.randomUUID()}`));
    expect(await stub.states()).toMatchObject({ version: null, targets: {} });
  });
});
