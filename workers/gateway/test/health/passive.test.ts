// Passive health: consecutive failed live attempts take a target out; without active checks it is let back in
// after PASSIVE_RETRY_MS to try again; turning passive checks off brings it back at once.
import { describe, expect, it } from "vitest";
import { PASSIVE_RETRY_MS } from "../../src/health/engine";
import { CHECK, healthObject, outcomes, service, T0 } from "./support";

describe("passive health", () => {
  it("marks a target unhealthy after passiveUnhealthyThreshold consecutive failures", async () => {
    const { stub } = await healthObject();
    await stub.configure(service({ passiveUnhealthyThreshold: 3 }), 1);
    const two = await stub.report(outcomes("tgt_a", 2, { failed: 2 }));
    expect(two.targets.tgt_a).toMatchObject({ healthy: true, consecutiveFailures: 2, changedAt: null });
    const three = await stub.report(outcomes("tgt_a", 1, { failed: 1 }));
    expect(three.targets.tgt_a).toMatchObject({ healthy: false, consecutiveFailures: 3, changedAt: T0, breaker: "closed" });
    expect(three.targets.tgt_b).toMatchObject({ healthy: true, consecutiveFailures: 0 });
  });

  it("counts only consecutive failures: a success starts the count again", async () => {
    const { stub } = await healthObject();
    await stub.configure(service({ passiveUnhealthyThreshold: 3 }), 1);
    await stub.report(outcomes("tgt_a", 2, { failed: 2 }));
    await stub.report(outcomes("tgt_a", 1));
    const states = await stub.report(outcomes("tgt_a", 2, { failed: 2 }));
    expect(states.targets.tgt_a).toMatchObject({ healthy: true, consecutiveFailures: 2 });
  });

  it("without active checks, lets the target back in after the retry delay", async () => {
    const { stub, advance } = await healthObject();
    await stub.configure(service({ passiveUnhealthyThreshold: 1 }), 1);
    await stub.report(outcomes("tgt_a", 1, { failed: 1 }));
    advance(PASSIVE_RETRY_MS - 1);
    expect((await stub.states()).targets.tgt_a).toMatchObject({ healthy: false });
    advance(1);
    expect((await stub.states()).targets.tgt_a).toMatchObject({ healthy: true, consecutiveFailures: 0, changedAt: T0 + PASSIVE_RETRY_MS });
  });

  it("with active checks, keeps it out until the probes bring it back", async () => {
    const { stub, advance } = await healthObject();
    await stub.configure(service({ passiveUnhealthyThreshold: 1, healthCheck: CHECK }), 1);
    await stub.report(outcomes("tgt_a", 1, { failed: 1 }));
    advance(10 * PASSIVE_RETRY_MS);
    expect((await stub.states()).targets.tgt_a).toMatchObject({ healthy: false });
  });

  it("turning passive checks off brings passively unhealthy targets back", async () => {
    const { stub } = await healthObject();
    const svc = service({ passiveUnhealthyThreshold: 1, breaker: null });
    await stub.configure(svc, 1);
    await stub.report(outcomes("tgt_a", 1, { failed: 1 }));
    expect((await stub.states()).targets.tgt_a?.healthy).toBe(false);
    await stub.configure({ ...svc, passiveUnhealthyThreshold: 0, healthCheck: CHECK }, 2);
    expect((await stub.states()).targets.tgt_a).toMatchObject({ healthy: true, consecutiveFailures: 0 });
  });
});
