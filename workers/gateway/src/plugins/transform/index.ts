import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the transform plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `transform` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "transform",
  schema,
  create: () => (_ctx, next) => next(),
};
