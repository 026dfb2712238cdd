// The cron: every workspace's current snapshot → syncHealth (re-arms active checks, keeps objects configured).

/**
 * The scheduled handler: configures every monitored service of every workspace (WIP: C2).
 *
 * @example export default gateway.worker({ scheduled: runHealthCron });
 */
export async function runHealthCron(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {}
