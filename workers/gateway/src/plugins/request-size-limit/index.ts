import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the request-size-limit plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `request-size-limit` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "request-size-limit",
  schema,
  create: () => (_ctx, next) => next(),
};
