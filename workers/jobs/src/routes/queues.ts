import { createRouter } from "@edgeworks/http";
import { depsOf, type JobsEnv } from "../product";
import { createQueue, deleteQueue, listQueues, openQueueOrThrow, updateQueue, withCounts } from "../queues.service";
import { createQueueRoute, deleteQueueRoute, getQueueRoute, listQueuesRoute, updateQueueRoute } from "./queues.openapi";

/** /queues: the caller's queues and their settings (D1), with counts from each queue's scheduler. */
export const queuesRouter = createRouter<JobsEnv>()
  .openapi(listQueuesRoute, async (c) => c.json(await listQueues(depsOf(c), c.req.valid("query")), 200))
  .openapi(createQueueRoute, async (c) => {
    const queue = await createQueue(depsOf(c), c.req.valid("json"));
    c.header("Location", `/jobs/v1/queues/${queue.name}`);
    return c.json(queue, 201);
  })
  .openapi(getQueueRoute, async (c) => c.json(await withCounts(await openQueueOrThrow(depsOf(c), c.req.valid("param").q)), 200))
  .openapi(updateQueueRoute, async (c) => c.json(await updateQueue(depsOf(c), c.req.valid("param").q, c.req.valid("json")), 200))
  .openapi(deleteQueueRoute, async (c) => {
    await deleteQueue(depsOf(c), c.req.valid("param").q);
    return c.body(null, 204);
  });
