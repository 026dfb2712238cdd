import { createRouter } from "@edgeworks/http";
import type { GatewayEnv } from "../product";
import { configRouter } from "./config";
import { entitiesRouter } from "./entities";
import { keysRouter } from "./keys";
import { membersRouter } from "./members";
import { purgeRouter } from "./purge";
import { versionsRouter } from "./versions";
import { workspacesRouter } from "./workspaces";

/** The admin API under /gateway/v1 (src/index.ts mounts it on `gateway.v1`): workspaces and everything in them. */
export const adminRouter = createRouter<GatewayEnv>()
  .route("/", workspacesRouter)
  .route("/", membersRouter)
  .route("/", configRouter)
  .route("/", versionsRouter)
  .route("/", entitiesRouter)
  .route("/", keysRouter)
  .route("/", purgeRouter);
