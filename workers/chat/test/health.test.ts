import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("answers /chat/health", async () => {
  const res = await SELF.fetch("https://edge.test/chat/health");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: "ok" });
});
