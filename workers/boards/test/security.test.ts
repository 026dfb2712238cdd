import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("OpenAPI", () => {
  it("documents every route", async () => {
    const doc = (await (await SELF.fetch("http://boards.test/boards/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, object>;
    };
    expect(doc.openapi).toBe("3.1.0");
    for (const p of [
      "/boards/v1/boards",
      "/boards/v1/boards/{id}",
      "/boards/v1/boards/{id}/lists",
      "/boards/v1/lists/{listId}/cards",
      "/boards/v1/cards/{id}/move",
      "/boards/v1/boards/{id}/ws",
      "/boards/v1/boards/{id}/ticket",
      "/boards/v1/boards/{id}/calendar",
      "/boards/v1/calendar/{file}",
      "/boards/v1/cards/{id}/attachments",
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });
});
