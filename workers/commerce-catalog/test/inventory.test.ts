import { env, runInDurableObject } from "cloudflare:test";
import { schemaVersion } from "@edgeworks/realtime";
import { describe, expect, it } from "vitest";

const fresh = (onHand?: number) => {
  const stub = env.INVENTORY.get(env.INVENTORY.idFromName(`prd_${crypto.randomUUID()}`));
  return onHand === undefined ? stub : stub.setOnHand(onHand).then(() => stub);
};
const level = async (stub: DurableObjectStub<import("../src/do/inventory").Inventory>) => {
  const r = await stub.level();
  if (!r.ok) throw new Error(r.detail);
  const { onHand, reserved, available } = r.value;
  return { onHand, reserved, available };
};

describe("the Inventory Durable Object (one per product)", () => {
  it("migrates its storage and starts empty", async () => {
    const stub = await fresh();
    expect(await level(stub)).toEqual({ onHand: 0, reserved: 0, available: 0 });
    await runInDurableObject(stub, (_instance, state) => expect(schemaVersion(state.storage.sql)).toBe(1));
  });

  it("reserve → commit: on hand and reserved move once, however often each is called", async () => {
    const stub = await fresh(10);
    expect(await stub.reserve("ord_a", 3)).toMatchObject({ ok: true, value: { status: "reserved", quantity: 3 } });
    expect(await stub.reserve("ord_a", 3)).toMatchObject({ ok: true, value: { status: "reserved", quantity: 3 } });
    expect(await level(stub)).toEqual({ onHand: 10, reserved: 3, available: 7 });
    expect(await stub.commit("ord_a")).toMatchObject({ ok: true, value: { before: "reserved", after: "committed", quantity: 3 } });
    expect(await stub.commit("ord_a")).toMatchObject({ ok: true, value: { before: "committed", after: "committed", quantity: 0 } });
    expect(await level(stub)).toEqual({ onHand: 7, reserved: 0, available: 7 });
    // a redelivered reserve after the commit answers "committed" and holds nothing more
    expect(await stub.reserve("ord_a", 3)).toMatchObject({ ok: true, value: { status: "committed" } });
    expect(await level(stub)).toEqual({ onHand: 7, reserved: 0, available: 7 });
  });

  it("release frees a reservation or puts committed stock back, once; a released order is never held again", async () => {
    const stub = await fresh(5);
    await stub.reserve("ord_r", 2);
    expect(await stub.release("ord_r")).toMatchObject({ ok: true, value: { before: "reserved", after: "released", quantity: 2 } });
    expect(await stub.release("ord_r")).toMatchObject({ ok: true, value: { before: "released", quantity: 0 } });
    expect(await stub.reserve("ord_r", 2)).toMatchObject({ ok: true, value: { status: "released" } });
    expect(await level(stub)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    await stub.reserve("ord_c", 4);
    await stub.commit("ord_c");
    expect(await level(stub)).toEqual({ onHand: 1, reserved: 0, available: 1 });
    expect(await stub.release("ord_c")).toMatchObject({ ok: true, value: { before: "committed", after: "released", quantity: 4 } });
    expect(await stub.release("ord_c")).toMatchObject({ ok: true, value: { quantity: 0 } });
    expect(await level(stub)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    // commit or release of an order it never saw changes nothing
    expect(await stub.commit("ord_none")).toMatchObject({ ok: true, value: { before: "none", after: "none", quantity: 0 } });
    expect(await stub.release("ord_none")).toMatchObject({ ok: true, value: { before: "none", after: "none", quantity: 0 } });
    expect(await stub.hold("ord_c")).toEqual({ ok: true, value: { status: "released", quantity: 4 } });
    expect(await stub.hold("ord_none")).toEqual({ ok: true, value: { status: "none", quantity: 0 } });
  });

  it("never holds more than is available and never goes below zero", async () => {
    const stub = await fresh(3);
    expect(await stub.reserve("ord_big", 4)).toMatchObject({ ok: true, value: { status: "insufficient", quantity: 4 } });
    expect(await level(stub)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    await stub.reserve("ord_x", 3);
    expect(await stub.reserve("ord_y", 1)).toMatchObject({ ok: true, value: { status: "insufficient" } });
    expect(await stub.setOnHand(2)).toMatchObject({ ok: false, code: "conflict" });
    expect(await level(stub)).toEqual({ onHand: 3, reserved: 3, available: 0 });
    // the "insufficient" order was not recorded: it may reserve once stock arrives
    await stub.setOnHand(4);
    expect(await stub.reserve("ord_y", 1)).toMatchObject({ ok: true, value: { status: "reserved" } });
  });

  it("refuses bad input as a Result, not a thrown error", async () => {
    const stub = await fresh(1);
    expect(await stub.reserve("", 1)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await stub.reserve("../x", 1)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await stub.reserve("ord_q", 0)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await stub.reserve("ord_q", 1.5)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await stub.setOnHand(-1)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await stub.setOnHand(2_000_000_000)).toMatchObject({ ok: false, code: "validation_failed" });
    expect(await level(stub)).toEqual({ onHand: 1, reserved: 0, available: 1 });
  });

  it("100 concurrent reservations (different orders) for 10 units: exactly 10 are held", async () => {
    const stub = await fresh(10);
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => stub.reserve(`ord_c${i}`, 1)));
    const statuses = answers.map((a) => (a.ok ? a.value.status : a.code));
    expect(statuses.filter((s) => s === "reserved")).toHaveLength(10);
    expect(statuses.filter((s) => s === "insufficient")).toHaveLength(90);
    expect(await level(stub)).toEqual({ onHand: 10, reserved: 10, available: 0 });
    // and the versions of the levels only grow: the D1 read model can order them
    const versions = answers.map((a) => (a.ok ? a.value.level.version : -1));
    expect(Math.max(...versions)).toBe(11);
  });
});
