import { SELF } from "cloudflare:test";
import { describeConformance } from "@edgeworks/testing";
import * as worker from "../src/index";
import * as schema from "../src/schema";

// packages/testing's checks every product passes: health without auth, the entry module's handlers and
// Durable Object classes, every operation of the gateway's own document documents its errors (the merged
// /commerce/openapi.json is the services' too, tested in openapi.test.ts), and schema drift.
describeConformance({
  name: "commerce",
  origin: "http://commerce.test",
  prefix: "/commerce",
  worker,
  handlers: ["fetch", "queue", "scheduled"],
  durableObjects: ["RateLimiter"],
  schema,
  fetch: (url, init) => SELF.fetch(url.replace("/commerce/openapi.json", "/commerce/gateway/openapi.json"), init),
});
