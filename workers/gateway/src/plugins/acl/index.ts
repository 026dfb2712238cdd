import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the acl plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `acl` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "acl",
  schema,
  create: () => (_ctx, next) => next(),
};
