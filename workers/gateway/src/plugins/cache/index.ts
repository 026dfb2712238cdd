import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the cache plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `cache` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "cache",
  schema,
  create: () => (_ctx, next) => next(),
};
