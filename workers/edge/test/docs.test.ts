import { docsPage } from "@edgeworks/http";
import { describe, expect, it } from "vitest";
// what the docs Worker serves at /_docs/init.js (scripts/prepare.mjs copies it from packages/http/assets)
import servedInit from "../../docs/public/_docs/init.js?raw";

// The reference page of every product (`<prefix>/docs`, packages/http docsPage) boots Swagger UI with the
// docs Worker's init.js; the front door forwards /_docs/* to that Worker (routing: test/edge.test.ts).
describe("the API reference pages", () => {
  it("load Swagger UI and its init.js from /_docs, pointed at the product's document", () => {
    const html = docsPage("Todo API", "/todo/openapi.json");
    expect(html).toContain('<script src="/_docs/swagger-ui-bundle.js"></script>');
    expect(html).toContain('<script src="/_docs/init.js"></script>');
    expect(html).toContain('data-spec-url="/todo/openapi.json"');
  });

  it("show each operation's operationId (the method name of generated clients)", () => {
    expect(servedInit).toMatch(/SwaggerUIBundle\(\{[\s\S]*displayOperationId:\s*true[\s\S]*\}\)/);
  });
});
