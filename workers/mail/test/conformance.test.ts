import { describeConformance } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import * as worker from "../src/index";
import * as schema from "../src/schema";

// packages/testing's checks every product passes: health without auth, the entry module's handlers,
// every OpenAPI operation documents its errors, and schema drift (src/schema.ts against the migrated
// database). No security suite: the mail Worker has no authenticated routes.
describeConformance({
  name: "mail",
  origin: "http://mail.test",
  prefix: "/mail",
  worker,
  handlers: ["fetch", "queue", "scheduled"],
  schema,
});

describe("the entry module", () => {
  it("exports only the Worker (workerd refuses to start on any other named export that is not a handler class)", () => {
    expect(Object.keys(worker)).toEqual(["default"]);
  });
});
