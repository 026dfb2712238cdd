import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("answers /blog/health", async () => {
  const res = await SELF.fetch("https://edge.test/blog/health");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: "ok" });
});
