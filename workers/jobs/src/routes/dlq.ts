import { ApiError, createRouter } from "@edgeworks/http";
import { unwrap } from "@edgeworks/realtime";
import { builtinPayloadSchema } from "../builtin-payloads";
import { depsOf, type JobsEnv } from "../product";
import { openJobQueueOrThrow, openQueueOrThrow } from "../queues.service";
import { editDeadPayloadRoute, listDeadJobsRoute, purgeDeadJobsRoute, redriveDeadJobsRoute } from "./dlq.openapi";

/** A 422 for a payload a built-in handler would refuse, with the handler's own field errors. */
function checkBuiltinPayload(name: string, payload: unknown): void {
  const parsed = builtinPayloadSchema(name)?.safeParse(payload);
  if (!parsed || parsed.success) return;
  throw new ApiError("validation_failed", "The request has invalid fields", {
    errors: parsed.error.issues.map((i) => ({ path: ["payload", ...i.path.map(String)].join("."), location: "body", message: i.message })),
  });
}

/** The dead letter queue of a queue: list, edit a payload, redrive, purge. */
export const dlqRouter = createRouter<JobsEnv>()
  .openapi(listDeadJobsRoute, async (c) => {
    const { scheduler } = await openQueueOrThrow(depsOf(c), c.req.valid("param").q);
    return c.json(unwrap(await scheduler.listDead(c.req.valid("query"))), 200);
  })
  .openapi(editDeadPayloadRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { payload } = c.req.valid("json");
    const { scheduler } = await openJobQueueOrThrow(depsOf(c), id);
    checkBuiltinPayload(unwrap(await scheduler.get(id)).name, payload);
    return c.json(unwrap(await scheduler.editPayload(id, payload)), 200);
  })
  .openapi(redriveDeadJobsRoute, async (c) => {
    const { scheduler } = await openQueueOrThrow(depsOf(c), c.req.valid("param").q);
    return c.json(unwrap(await scheduler.redrive(c.req.valid("json"))), 200);
  })
  .openapi(purgeDeadJobsRoute, async (c) => {
    const { scheduler } = await openQueueOrThrow(depsOf(c), c.req.valid("param").q);
    return c.json(unwrap(await scheduler.purge(c.req.valid("json"))), 200);
  });
