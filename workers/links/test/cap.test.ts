import { expect, it } from "vitest";
import { createLink, newUser, visit } from "./helpers";

it("100 concurrent clicks on a link capped at 10 give exactly 10 redirects and 90 × 410", async () => {
  const { token } = await newUser();
  const link = await createLink(token, { maxClicks: 10 });
  const responses = await Promise.all(Array.from({ length: 100 }, () => visit(link.slug, { headers: { Accept: "application/json" } })));
  const statuses = responses.map((r) => r.status);
  expect(statuses.filter((s) => s === 302)).toHaveLength(10);
  expect(statuses.filter((s) => s === 410)).toHaveLength(90);
  await Promise.all(responses.map((r) => r.body?.cancel()));
  expect((await visit(link.slug)).status).toBe(410);
});

it("concurrent clicks on different capped links do not share a counter", async () => {
  const { token } = await newUser();
  const [a, b] = await Promise.all([createLink(token, { maxClicks: 3 }), createLink(token, { maxClicks: 3 })]);
  const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => visit((i % 2 ? a : b)?.slug as string)));
  expect(responses.filter((r) => r.status === 302)).toHaveLength(6);
  await Promise.all(responses.map((r) => r.body?.cancel()));
});
