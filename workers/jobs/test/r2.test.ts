import { env } from "cloudflare:test";
import { expect, it } from "vitest";

it("the FILES bucket stores and returns an object", async () => {
  const key = `test/${crypto.randomUUID()}`;
  await env.FILES.put(key, "hello", { httpMetadata: { contentType: "text/plain" } });
  const object = await env.FILES.get(key);
  expect(await object?.text()).toBe("hello");
  expect(object?.httpMetadata?.contentType).toBe("text/plain");
  await env.FILES.delete(key);
  expect(await env.FILES.get(key)).toBeNull();
});
