import { describe, expect, it } from "vitest";
import { parseConfigText, validateConfig } from "../../src/config";
import { apiErrorOf } from "./support";

const env = { DEV_MODE: "false", UPSTREAM_BINDINGS: "" };

describe("hostile documents are 4xx, never a 500", () => {
  it("a recursive YAML alias", async () => {
    const err = await apiErrorOf(() => parseConfigText("a: &a [*a]\n", "yaml"));
    expect(err.status).toBe(422);
  });

  it.each(["yaml", "json"] as const)("deep nesting (%s)", async (format) => {
    const deep = `{"hosts": ${"[".repeat(50_000)}${"]".repeat(50_000)}}`;
    const err = await apiErrorOf(() => validateConfig(parseConfigText(deep, format), { env }));
    expect([err.status, err.code]).toEqual([422, "validation_failed"]);
  });

  it("deep nesting inside a plugin config", async () => {
    let config: unknown = 1;
    for (let i = 0; i < 20_000; i++) config = { x: config };
    const input = { routes: [{ name: "r", paths: ["/"], service: null, plugins: [{ name: "cache", config }] }] };
    const err = await apiErrorOf(() => validateConfig(input, { env }));
    expect([err.status, err.code]).toEqual([422, "validation_failed"]);
  });

  it("not an object at all", async () => {
    for (const text of ["[]", "null", "42", '"x"'])
      expect((await apiErrorOf(() => validateConfig(parseConfigText(text, "json"), { env }))).status).toBe(422);
    expect((await apiErrorOf(() => validateConfig(parseConfigText("", "yaml"), { env }))).status).toBe(422);
  });
});
