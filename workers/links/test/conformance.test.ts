import { describeConformance } from "@edgeworks/testing";
import * as worker from "../src/index";
import * as schema from "../src/schema";

describeConformance({
  name: "links",
  origin: "https://sho.rt",
  prefix: "/links",
  worker,
  handlers: ["fetch", "queue"],
  durableObjects: ["RateLimiter", "ClickCap"],
  schema,
});
