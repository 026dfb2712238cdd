import { SELF } from "cloudflare:test";
import { it } from "vitest";

it("smoke", async () => {
  const d = await SELF.fetch("https://sho.rt/links/openapi.json");
  const doc = (await d.json()) as any;
  console.log(
    JSON.stringify(doc.components.schemas.BulkCreateLinks),
    JSON.stringify(Object.keys(doc.paths)),
    JSON.stringify(doc.paths["/links/v1/links"].post.security),
    JSON.stringify(doc.components.schemas.CreateLink).slice(0, 3000),
  );
});
