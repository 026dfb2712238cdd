import { describeConformance } from "@edgeworks/testing";
import * as worker from "../src/index";
import * as schema from "../src/schema";

// packages/testing's checks every product passes: health without auth, the entry module's handlers and
// Durable Object classes, every OpenAPI operation documents its errors, and schema drift (src/schema.ts
// against the migrated database). The security suite is test/security.test.ts.
describeConformance({
  name: "gateway",
  origin: "http://gateway.test",
  prefix: "/gateway",
  worker,
  handlers: ["fetch", "queue", "scheduled"],
  durableObjects: ["RateLimiter", "ServiceHealth"],
  schema,
});
