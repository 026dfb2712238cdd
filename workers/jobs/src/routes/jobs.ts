import { createRouter } from "@edgeworks/http";
import { unwrap } from "@edgeworks/realtime";
import { depsOf, type JobsEnv } from "../product";
import { openJobQueueOrThrow, openQueueOrThrow } from "../queues.service";
import { cancelJobRoute, getJobRoute, listJobsRoute, retryJobRoute, submitJobRoute, submitJobsBulkRoute } from "./jobs.openapi";

/** Submitting, listing, reading, cancelling and retrying jobs: each is one call to the queue's scheduler. */
export const jobsRouter = createRouter<JobsEnv>()
  .openapi(submitJobRoute, async (c) => {
    const { scheduler } = await openQueueOrThrow(depsOf(c), c.req.valid("param").q);
    const [submitted] = unwrap(await scheduler.submit([c.req.valid("json")]));
    if (!submitted) throw new Error("submit answered no job");
    if (!submitted.created) return c.json(submitted.job, 200);
    c.header("Location", `/jobs/v1/jobs/${submitted.job.id}`);
    return c.json(submitted.job, 201);
  })
  .openapi(submitJobsBulkRoute, async (c) => {
    const { scheduler } = await openQueueOrThrow(depsOf(c), c.req.valid("param").q);
    const submitted = unwrap(await scheduler.submit(c.req.valid("json").jobs));
    return c.json({ jobs: submitted.map((s) => s.job) }, 201);
  })
  .openapi(listJobsRoute, async (c) => {
    const { scheduler } = await openQueueOrThrow(depsOf(c), c.req.valid("param").q);
    return c.json(unwrap(await scheduler.list(c.req.valid("query"))), 200);
  })
  .openapi(getJobRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { scheduler } = await openJobQueueOrThrow(depsOf(c), id);
    return c.json(unwrap(await scheduler.get(id)), 200);
  })
  .openapi(cancelJobRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { scheduler } = await openJobQueueOrThrow(depsOf(c), id);
    return c.json(unwrap(await scheduler.cancel(id)), 200);
  })
  .openapi(retryJobRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { scheduler } = await openJobQueueOrThrow(depsOf(c), id);
    return c.json(unwrap(await scheduler.retry(id)), 200);
  });
