import { describeConformance } from "@edgeworks/testing";
import * as worker from "../src/index";
import * as schema from "../src/schema";

describeConformance({
  name: "todo",
  origin: "http://todo.test",
  prefix: "/todo",
  worker,
  handlers: ["fetch"],
  durableObjects: ["RateLimiter"],
  schema,
});
