import { createRouter } from "@edgeworks/http";
import type { GatewayEnv } from "../product";

// PLACEHOLDER (integrator): the admin API's owner replaces this module.
/** The admin API under /gateway/v1: workspaces and everything in them. */
export const adminRouter = createRouter<GatewayEnv>();
