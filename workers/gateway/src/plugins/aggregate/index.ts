import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the aggregate plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `aggregate` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "aggregate",
  schema,
  create: () => (_ctx, next) => next(),
};
