// PLACEHOLDER (integrator): the health owner replaces this module.

/**
 * The cron: re-arms every service's active health checks.
 *
 * @example export default gateway.worker({ scheduled: runHealthCron });
 */
export async function runHealthCron(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {}
