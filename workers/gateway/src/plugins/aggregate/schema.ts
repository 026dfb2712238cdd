import { z } from "zod";
import { pathTemplate } from "../transform/schema";

/** One upstream call: its result goes under `name` in the merged body. */
const call = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -")
    .refine((n) => n !== "warnings", "'warnings' is reserved for the failed calls' list"),
  /** A service of the workspace, by name. */
  service: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be a service name"),
  /** Upstream path template: `/users/:id`, `:name` and a final `*` from the route's params. */
  path: pathTemplate,
  method: z.literal("GET").default("GET"),
  /** Send the client's query string along (default false: each call gets exactly its path). */
  forwardQuery: z.boolean().default(false),
});

/**
 * The `aggregate` plugin's config.
 *
 * @example schema.parse({ calls: [{ name: "user", service: "users", path: "/users/:id" }, { name: "orders", service: "orders", path: "/users/:id/orders" }], timeoutMs: 2000 })
 */
export const schema = z.strictObject({
  calls: z
    .array(call)
    .min(1)
    .max(10)
    .refine((calls) => new Set(calls.map((c) => c.name)).size === calls.length, "call names must be unique"),
  /** Per call, until its whole JSON body has arrived (10 ms..60 s, default 5 s). */
  timeoutMs: z.int().min(10).max(60_000).default(5000),
  /** "object": `{ <name>: body, … }`; "flat": the object bodies' fields merged in call order (others under their name). */
  merge: z.enum(["object", "flat"]).default("object"),
  /** A call's body larger than this fails that call (default 1 MiB, max 8 MiB). */
  maxBodyBytes: z
    .int()
    .min(1)
    .max(8 * 1024 * 1024)
    .default(1024 * 1024),
});
export type AggregateConfig = z.output<typeof schema>;
export type AggregateCall = AggregateConfig["calls"][number];
