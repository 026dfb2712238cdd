import { describeConformance } from "@edgeworks/testing";
import * as worker from "../src/index";
import * as schema from "../src/schema";

describeConformance({
  name: "blog",
  origin: "https://blog.test",
  prefix: "/blog",
  worker,
  handlers: ["fetch", "queue"],
  durableObjects: ["RateLimiter", "ScheduledPublisher"],
  schema,
  // the RealWorld routes answer RealWorld's own error shape, which its clients expect (ARCHITECTURE.md, "Errors")
  openapi: {
    skip: ({ path }) => path.startsWith("/blog/api/"),
    // a credential lacking the blog scope is 401 (src/product.ts identify); 403 means "not the author"
    forbidden: () => false,
  },
});
