import { describeConformance } from "@edgeworks/testing";
import * as worker from "../src/index";
import * as schema from "../src/schema";

describeConformance({
  name: "accounts",
  origin: "http://accounts.test",
  prefix: "/auth",
  worker,
  handlers: ["fetch", "scheduled"],
  durableObjects: ["RateLimiter"],
  schema,
  // no product-wide write limit: login, register, password and email routes have their own limits and document 429
  // the pages behind the email links (GET, text/html) answer every error as an HTML page for a person, not problem+json
  openapi: {
    rateLimited: () => false,
    skip: ({ method, op }) => method === "get" && op.responses?.["200"]?.content?.["text/html"] !== undefined,
  },
});
