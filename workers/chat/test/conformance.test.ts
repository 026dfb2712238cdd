import { describeConformance } from "@edgeworks/testing";
import * as worker from "../src/index";
import * as schema from "../src/schema";

describeConformance({
  name: "chat",
  origin: "http://chat.test",
  prefix: "/chat",
  worker,
  handlers: ["fetch", "queue"],
  durableObjects: ["RateLimiter", "ChatRoom", "Presence"],
  schema,
});
