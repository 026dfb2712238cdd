import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the request-id plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `request-id` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "request-id",
  schema,
  create: () => (_ctx, next) => next(),
};
