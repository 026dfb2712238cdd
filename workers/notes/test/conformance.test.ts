import { describeConformance } from "@edgeworks/testing";
import * as worker from "../src/index";
import * as schema from "../src/schema";

describeConformance({
  name: "notes",
  origin: "http://notes.test",
  prefix: "/notes",
  worker,
  handlers: ["fetch", "scheduled"],
  durableObjects: ["RateLimiter"],
  schema,
});
