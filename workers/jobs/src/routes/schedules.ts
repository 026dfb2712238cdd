import { createRouter } from "@edgeworks/http";
import { unwrap } from "@edgeworks/realtime";
import { depsOf, type JobsEnv } from "../product";
import { openQueueOrThrow } from "../queues.service";
import {
  createScheduleRoute,
  deleteScheduleRoute,
  getScheduleRoute,
  listSchedulesRoute,
  pauseScheduleRoute,
  resumeScheduleRoute,
} from "./schedules.openapi";

/** Recurring jobs of a queue, kept and fired by its scheduler. */
export const schedulesRouter = createRouter<JobsEnv>()
  .openapi(createScheduleRoute, async (c) => {
    const { q } = c.req.valid("param");
    const { scheduler } = await openQueueOrThrow(depsOf(c), q);
    const schedule = unwrap(await scheduler.createSchedule(c.req.valid("json")));
    c.header("Location", `/jobs/v1/queues/${q}/schedules/${schedule.id}`);
    return c.json(schedule, 201);
  })
  .openapi(listSchedulesRoute, async (c) => {
    const { scheduler } = await openQueueOrThrow(depsOf(c), c.req.valid("param").q);
    return c.json({ schedules: unwrap(await scheduler.listSchedules()) }, 200);
  })
  .openapi(getScheduleRoute, async (c) => {
    const { q, id } = c.req.valid("param");
    const { scheduler } = await openQueueOrThrow(depsOf(c), q);
    return c.json(unwrap(await scheduler.getSchedule(id)), 200);
  })
  .openapi(deleteScheduleRoute, async (c) => {
    const { q, id } = c.req.valid("param");
    const { scheduler } = await openQueueOrThrow(depsOf(c), q);
    unwrap(await scheduler.deleteSchedule(id));
    return c.body(null, 204);
  })
  .openapi(pauseScheduleRoute, async (c) => {
    const { q, id } = c.req.valid("param");
    const { scheduler } = await openQueueOrThrow(depsOf(c), q);
    return c.json(unwrap(await scheduler.setSchedulePaused(id, true)), 200);
  })
  .openapi(resumeScheduleRoute, async (c) => {
    const { q, id } = c.req.valid("param");
    const { scheduler } = await openQueueOrThrow(depsOf(c), q);
    return c.json(unwrap(await scheduler.setSchedulePaused(id, false)), 200);
  });
