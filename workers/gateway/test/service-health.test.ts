import { env, runInDurableObject } from "cloudflare:test";
import { schemaVersion } from "@edgeworks/realtime";
import { describe, expect, it } from "vitest";

describe("the ServiceHealth Durable Object (SERVICE_HEALTH)", () => {
  it("migrates its storage and counts per name, per object", async () => {
    const stub = env.SERVICE_HEALTH.get(env.SERVICE_HEALTH.idFromName(`key-${crypto.randomUUID()}`));
    expect(await stub.increment("a")).toEqual({ ok: true, value: 1 });
    expect(await stub.increment("a")).toEqual({ ok: true, value: 2 });
    expect(await stub.increment("b")).toEqual({ ok: true, value: 1 });
    await runInDurableObject(stub, (_instance, state) => expect(schemaVersion(state.storage.sql)).toBe(1));
    const other = env.SERVICE_HEALTH.get(env.SERVICE_HEALTH.idFromName(`key-${crypto.randomUUID()}`));
    expect(await other.increment("a")).toEqual({ ok: true, value: 1 });
  });

  it("returns an expected failure as a Result, not a thrown error", async () => {
    const stub = env.SERVICE_HEALTH.get(env.SERVICE_HEALTH.idFromName("failures"));
    expect(await stub.increment("")).toMatchObject({ ok: false, code: "validation_failed" });
  });
});
