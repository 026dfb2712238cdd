import { describe, expect, it } from "vitest";
import { gcra } from "../src/gcra";

const policy = { limit: 10, periodMs: 10_000 }; // one token per second, bursts of 10

describe("gcra", () => {
  it("allows a full burst, then refuses with the time to the next token", () => {
    let tat = 0;
    const now = 1_000_000;
    for (let i = 0; i < 10; i++) {
      const r = gcra(tat, now, policy);
      expect(r.decision).toMatchObject({ allowed: true, limit: 10, remaining: 9 - i });
      tat = r.tat;
    }
    const refused = gcra(tat, now, policy);
    expect(refused.decision).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 1000, resetMs: 10_000 });
    expect(refused.tat).toBe(tat); // a refusal costs nothing
  });

  it("refills at the steady rate", () => {
    let tat = 0;
    for (let i = 0; i < 10; i++) tat = gcra(tat, 0, policy).tat;
    expect(gcra(tat, 999, policy).decision.allowed).toBe(false);
    const after = gcra(tat, 1000, policy);
    expect(after.decision).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("honours a burst smaller than the limit", () => {
    let tat = 0;
    const p = { limit: 60, periodMs: 60_000, burst: 2 };
    expect(gcra(tat, 0, p).decision.remaining).toBe(1);
    tat = gcra(tat, 0, p).tat;
    tat = gcra(tat, 0, p).tat;
    expect(gcra(tat, 0, p).decision).toMatchObject({ allowed: false, retryAfterMs: 1000 });
  });

  it("charges a cost of several tokens", () => {
    const r = gcra(0, 0, policy, 4);
    expect(r.decision.remaining).toBe(6);
    expect(gcra(r.tat, 0, policy, 7).decision.allowed).toBe(false);
    expect(gcra(r.tat, 0, policy, 6).decision.allowed).toBe(true);
  });
});
