import { describeConformance } from "@edgeworks/testing";
import * as worker from "../src/index";
import * as schema from "../src/schema";

describeConformance({
  name: "boards",
  origin: "http://boards.test",
  prefix: "/boards",
  worker,
  handlers: ["fetch"],
  durableObjects: ["RateLimiter", "Board"],
  schema,
});
