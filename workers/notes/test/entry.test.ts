import { expect, it } from "vitest";
import * as entry from "../src/index";

// workerd treats every named export of the main module as an entrypoint (a constant there fails to start)
it("the Worker entry exports only its handler and the RateLimiter class", () => {
  expect(Object.keys(entry).sort()).toEqual(["RateLimiter", "default"]);
  expect(typeof entry.default.fetch).toBe("function");
  expect(typeof entry.default.scheduled).toBe("function");
});
