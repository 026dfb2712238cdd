import { describe, expect, it } from "vitest";
import { call, createNote, createNotebook, expectProblem, newUser, ok } from "./helpers";

// after the suite's "nothing changed" check: these rows are new by design
describe("hostile request bodies", () => {
  it("SQL-ish strings are stored and matched literally", async () => {
    const { token } = await newUser();
    const nb = await createNotebook(token, { name: "'; DROP TABLE notes; --" });
    const evil = "x' OR '1'='1";
    const n = await createNote(token, nb.id, { title: evil, content: '" OR 1=1 --', tags: [evil] });
    expect(n).toMatchObject({ title: evil, content: '" OR 1=1 --', tags: [evil] });
    expect(
      (await ok<{ items: { id: string }[] }>(call("GET", `/notes?tag=${encodeURIComponent(evil)}`, token))).items.map((x) => x.id),
    ).toEqual([n.id]);
    expect(
      (await ok<{ items: { id: string }[] }>(call("GET", `/search?q=${encodeURIComponent(evil)}`, token))).items.map((x) => x.id),
    ).toEqual([n.id]);
  });
});

describe("rate limit", () => {
  it("writes past the per-user limit get 429 with Retry-After; reads are not limited", { timeout: 60_000 }, async () => {
    const { token } = await newUser();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let round = 0; round < 20 && !limited; round++) {
      const batch = await Promise.all(Array.from({ length: 40 }, (_, i) => call("POST", "/notebooks", token, { name: `n${round}-${i}` })));
      for (const res of batch) {
        statuses.push(res.status);
        if (res.status === 429) limited ??= res;
        else await res.body?.cancel();
      }
    }
    // the test limit is 120/min (vitest.config.ts); the bucket refills while the batches run, so at least 120 pass
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(120);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    await expectProblem(limited as Response, 429, "rate_limited");
    expect(Number(limited?.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await call("GET", "/notebooks", token)).status).toBe(200);
  });
});
