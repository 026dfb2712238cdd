import { createRouter } from "@edgeworks/http";
import type { GatewayEnv } from "../product";

// PLACEHOLDER (integrator): the analytics owner replaces this module.
/** Analytics, Prometheus metrics and the breaker/health status of a workspace. */
export const observabilityRouter = createRouter<GatewayEnv>();
