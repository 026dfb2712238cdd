import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the rate-limit plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `rate-limit` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "rate-limit",
  schema,
  create: () => (_ctx, next) => next(),
};
