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
    // every signed-in write spends the 600/min write budget (src/product.ts limitWrites), undocumented here so far
    knownGaps: [
      "POST /blog/v1/articles does not document 429 (it is a rate-limited write)",
      "PATCH /blog/v1/articles/{slug} does not document 429 (it is a rate-limited write)",
      "DELETE /blog/v1/articles/{slug} does not document 429 (it is a rate-limited write)",
      "POST /blog/v1/articles/{slug}/likes does not document 429 (it is a rate-limited write)",
      "DELETE /blog/v1/articles/{slug}/likes does not document 429 (it is a rate-limited write)",
      "POST /blog/v1/categories does not document 429 (it is a rate-limited write)",
      "DELETE /blog/v1/categories/{category} does not document 429 (it is a rate-limited write)",
      "PUT /blog/v1/user/avatar does not document 429 (it is a rate-limited write)",
    ],
  },
});
