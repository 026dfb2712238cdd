import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the auth plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `auth` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "auth",
  schema,
  create: () => (_ctx, next) => next(),
};
