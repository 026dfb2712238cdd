/** The cron (every minute): drains outboxes and cancels orders left unpaid past their hold. */
export const scheduled: ExportedHandlerScheduledHandler<Env> = async () => {};
