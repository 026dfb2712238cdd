import { Hono } from "hono";

// PLACEHOLDER (integrator): the dashboard owner replaces this module.
/** The dashboard page at /gateway/. */
export const webRouter = new Hono<{ Bindings: Env }>();
