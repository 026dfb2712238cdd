import { z } from "zod";
import type { PluginDefinition } from "../../contract";

// PLACEHOLDER (integrator): the ip-restriction plugin's owner replaces this module.
const schema = z.strictObject({});

/** The `ip-restriction` plugin. */
export const plugin: PluginDefinition<typeof schema> = {
  name: "ip-restriction",
  schema,
  create: () => (_ctx, next) => next(),
};
