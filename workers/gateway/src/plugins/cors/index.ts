import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the cors plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `cors` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "cors",
  schema,
  create: () => (_ctx, next) => next(),
};
