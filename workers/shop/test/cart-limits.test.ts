import { describe, expect, it } from "vitest";
import { makeProduct } from "./cart-fixtures";
import { api } from "./helpers";

const cookieOf = (res: Response) => (res.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";

describe("anonymous cart writes", () => {
  it("are limited per client network (429 with Retry-After beyond 120 a minute); reads are not", async () => {
    const ip = { "CF-Connecting-IP": `203.0.113.${Math.floor(Math.random() * 250) + 1}` };
    const first = await api.call("GET", "/cart", undefined, undefined, ip);
    const headers = { ...ip, Cookie: cookieOf(first) };
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 150 }, () => api.call("DELETE", "/cart/coupon", undefined, undefined, headers)),
    );
    // the limit refills one write every 500 ms: on a slow machine the burst may span a refill or two
    const refilled = Math.floor((Date.now() - started) / 500);
    const statuses = responses.map((r) => r.status);
    const accepted = statuses.filter((s) => s === 200).length;
    expect(accepted).toBeGreaterThanOrEqual(120);
    expect(accepted).toBeLessThanOrEqual(120 + refilled);
    const limited = responses.filter((r) => r.status === 429);
    expect(limited).toHaveLength(150 - accepted);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect((await api.call("GET", "/cart", undefined, undefined, headers)).status).toBe(200);
    // another network is not affected
    expect(
      (await api.call("DELETE", "/cart/coupon", undefined, undefined, { ...headers, "CF-Connecting-IP": "198.51.100.7" })).status,
    ).toBe(200);
  }, 60_000);

  it("accept Idempotency-Key per anonymous cart: a retry replays, another cart's same key is its own", async () => {
    const { variantIds } = await makeProduct([{ stock: 9 }]);
    const ip = { "CF-Connecting-IP": "192.0.2.55" };
    const a = cookieOf(await api.call("GET", "/cart", undefined, undefined, ip));
    const b = cookieOf(await api.call("GET", "/cart", undefined, undefined, ip));
    const send = (cookie: string) =>
      api.call(
        "POST",
        "/cart/items",
        undefined,
        { variantId: variantIds[0], quantity: 2 },
        { ...ip, Cookie: cookie, "Idempotency-Key": "k1" },
      );
    const first = await send(a);
    expect(first.status).toBe(200);
    const replay = await send(a);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    const other = await send(b);
    expect(other.headers.get("Idempotent-Replayed")).toBeNull();
    const cartA = (await (await api.call("GET", "/cart", undefined, undefined, { ...ip, Cookie: a })).json()) as {
      lines: { quantity: number }[];
    };
    const cartB = (await (await api.call("GET", "/cart", undefined, undefined, { ...ip, Cookie: b })).json()) as {
      lines: { quantity: number }[];
    };
    expect(cartA.lines[0]?.quantity).toBe(2);
    expect(cartB.lines[0]?.quantity).toBe(2);
  });
});
