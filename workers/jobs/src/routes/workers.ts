import { createRouter } from "@edgeworks/http";
import { unwrap } from "@edgeworks/realtime";
import { depsOf, type JobsEnv } from "../product";
import { openJobQueueOrThrow, openQueueOrThrow } from "../queues.service";
import { appendLogRoute, completeJobRoute, failJobRoute, heartbeatJobRoute, leaseJobsRoute, reportProgressRoute } from "./workers.openapi";

/** The external worker protocol: lease, then heartbeat/progress/log and complete or fail with the token. */
export const workersRouter = createRouter<JobsEnv>()
  .openapi(leaseJobsRoute, async (c) => {
    const { scheduler } = await openQueueOrThrow(depsOf(c), c.req.valid("param").q);
    return c.json({ jobs: unwrap(await scheduler.lease(c.req.valid("json"))) }, 200);
  })
  .openapi(heartbeatJobRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { token, leaseSeconds } = c.req.valid("json");
    const { scheduler } = await openJobQueueOrThrow(depsOf(c), id);
    return c.json(unwrap(await scheduler.heartbeat(id, token, leaseSeconds)), 200);
  })
  .openapi(reportProgressRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { token, percent, message } = c.req.valid("json");
    const { scheduler } = await openJobQueueOrThrow(depsOf(c), id);
    return c.json(unwrap(await scheduler.progress(id, token, message === undefined ? { percent } : { percent, message })), 200);
  })
  .openapi(appendLogRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { token, lines } = c.req.valid("json");
    const { scheduler } = await openJobQueueOrThrow(depsOf(c), id);
    unwrap(await scheduler.log(id, token, lines));
    return c.body(null, 204);
  })
  .openapi(completeJobRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { token, result } = c.req.valid("json");
    const { scheduler } = await openJobQueueOrThrow(depsOf(c), id);
    return c.json(unwrap(await scheduler.complete(id, token, result ?? null)), 200);
  })
  .openapi(failJobRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { token, ...error } = c.req.valid("json");
    const { scheduler } = await openJobQueueOrThrow(depsOf(c), id);
    return c.json(unwrap(await scheduler.fail(id, token, error)), 200);
  });
