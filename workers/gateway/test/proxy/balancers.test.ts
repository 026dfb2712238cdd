import { describe, expect, it } from "vitest";
import type { CompiledTarget } from "../../src/contract";
import { consistentHash, ringOwners } from "../../src/proxy/balancer/consistent-hash";
import { acquire, leastOutstanding } from "../../src/proxy/balancer/least-outstanding";
import { roundRobin } from "../../src/proxy/balancer/round-robin";
import { smoothWeighted } from "../../src/proxy/balancer/weighted";
import { type Echo, service, snapshot, tally, through, upstream, whoAnswers } from "./support";

const t = (id: string, weight = 100): CompiledTarget => ({ id, url: null, binding: "UPSTREAM_A", weight });

describe("round-robin", () => {
  it("through the proxy: A, B, C in turn", async () => {
    expect(await whoAnswers(snapshot(), 9)).toEqual(["A", "B", "C", "A", "B", "C", "A", "B", "C"]);
  });

  it("targets of weight 0 are drained (never chosen)", async () => {
    const snap = snapshot({ services: [service({ targets: [upstream("A"), upstream("B", 0), upstream("C")] })] });
    expect(tally(await whoAnswers(snap, 6))).toEqual({ A: 3, C: 3 });
  });

  it("the rest of the order is the rotation (where retries go)", () => {
    const rr = roundRobin();
    const list = [t("a"), t("b"), t("c")];
    expect(rr.order(list, null).map((x) => x.id)).toEqual(["a", "b", "c"]);
    expect(rr.order(list, null).map((x) => x.id)).toEqual(["b", "c", "a"]);
  });
});

describe("smooth weighted round-robin", () => {
  it("5:1:1 gives nginx's a a b a c a a, every cycle", () => {
    const w = smoothWeighted();
    const list = [t("a", 5), t("b", 1), t("c", 1)];
    const picks = Array.from({ length: 14 }, () => w.order(list, null)[0]?.id).join(" ");
    expect(picks).toBe("a a b a c a a a a b a c a a");
  });

  it("through the proxy: weights 300:100:100 → 3:1:1 exactly over whole cycles", async () => {
    const snap = snapshot({
      services: [service({ algorithm: "weighted", targets: [upstream("A", 300), upstream("B", 100), upstream("C", 100)] })],
    });
    expect(tally(await whoAnswers(snap, 25))).toEqual({ A: 15, B: 5, C: 5 });
  });
});

describe("least outstanding (per isolate)", () => {
  it("unit: the target with the fewest open requests first, ties round-robin", () => {
    const lor = leastOutstanding();
    const list = [t("lor-a"), t("lor-b"), t("lor-c")];
    const releases = [acquire("lor-a"), acquire("lor-a"), acquire("lor-b")];
    expect(lor.order(list, null).map((x) => x.id)).toEqual(["lor-c", "lor-b", "lor-a"]);
    for (const release of releases) release();
    releases[0]?.(); // a second call changes nothing
    expect(lor.order(list, null)[0]?.id).toBe("lor-b");
  });

  it("through the proxy: a response whose body is still streaming keeps its target busy", async () => {
    const snap = snapshot({ services: [service({ algorithm: "least-outstanding" })] });
    const held = "/v1/x?fake-chunks=2&fake-chunk-delay-ms=60000";
    const first = await through(snap, held);
    const second = await through(snap, held);
    expect([first.headers.get("X-Upstream"), second.headers.get("X-Upstream")]).toEqual(["A", "B"]);
    expect(await whoAnswers(snap, 3)).toEqual(["C", "C", "C"]);
    await first.body?.cancel();
    await second.body?.cancel();
    expect(tally(await whoAnswers(snap, 3))).toEqual({ A: 1, B: 1, C: 1 });
  });
});

describe("consistent hashing (ring with virtual nodes)", () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
  const three = [t("tgt_1"), t("tgt_2"), t("tgt_3")];
  const ownerOf3 = ringOwners(three);

  it("spreads keys about evenly over equal weights", () => {
    const counts = tally(keys.map((k) => ownerOf3(k) as string));
    for (const id of ["tgt_1", "tgt_2", "tgt_3"]) {
      expect(counts[id]).toBeGreaterThan(keys.length * 0.25);
      expect(counts[id]).toBeLessThan(keys.length * 0.42);
    }
  });

  it("adding a 4th target moves about 1/4 of the keys, all of them to the new target", () => {
    const ownerOf4 = ringOwners([...three, t("tgt_4")]);
    const moved = keys.filter((k) => ownerOf3(k) !== ownerOf4(k));
    expect(moved.length / keys.length).toBeGreaterThan(0.17);
    expect(moved.length / keys.length).toBeLessThan(0.33);
    expect(new Set(moved.map((k) => ownerOf4(k)))).toEqual(new Set(["tgt_4"]));
  });

  it("a target out of rotation gives its keys to its successor only; others stay", () => {
    const ring = consistentHash(three, roundRobin());
    const without2 = [t("tgt_1"), t("tgt_3")].map((x) => three.find((y) => y.id === x.id) as CompiledTarget);
    for (const key of keys.slice(0, 2000)) {
      const owner = ownerOf3(key);
      const now = ring.order(without2, key)[0]?.id;
      if (owner !== "tgt_2") expect(now).toBe(owner);
      else expect(now).not.toBe("tgt_2");
    }
  });

  it("through the proxy: the same header value always reaches the same upstream; without it, round-robin", async () => {
    const snap = snapshot({ services: [service({ algorithm: "consistent-hash", hashOn: { source: "header", name: "x-user" } })] });
    for (const user of ["alice", "bob", "carol", "dave"]) {
      const answers = await whoAnswers(snap, 4, "/v1/x", { headers: { "x-user": user } });
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).toBe(ringOwners(snap.services.svc_1?.targets ?? [])(user)?.slice(4));
    }
    expect(tally(await whoAnswers(snap, 3))).toEqual({ A: 1, B: 1, C: 1 });
  });

  it("through the proxy: hashing on a cookie", async () => {
    const snap = snapshot({ services: [service({ algorithm: "consistent-hash", hashOn: { source: "cookie", name: "sid" } })] });
    const answers = await whoAnswers(snap, 3, "/v1/x", { headers: { cookie: "theme=dark; sid=s-123" } });
    expect(answers).toEqual(Array(3).fill(ringOwners(snap.services.svc_1?.targets ?? [])("s-123")?.slice(4)));
    const echo = (await (await through(snap, "/v1/x", { headers: { cookie: "sid=s-123" } })).json()) as Echo;
    expect(echo.headers.cookie).toBe("sid=s-123");
  });
});
