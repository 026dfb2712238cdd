import { DurableObject } from "cloudflare:workers";
import { ApiError } from "@edgeworks/http";
import { asResult, type MigrationStep, migrate, type Result } from "@edgeworks/realtime";

/** The object's SQLite schema: append a step for every change, never edit a deployed one. */
const MIGRATIONS: readonly MigrationStep[] = ["CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)"];

/**
 * One object per `idFromName(key)`: named counters in its own SQLite storage, versioned by
 * packages/realtime's `migrate`. RPC methods return a `Result` (expected failures as data); the Worker
 * `unwrap`s it into problem+json. For WebSocket rooms, add realtime's `SocketHub` (see workers/chat).
 */
export class ServiceHealth extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // no request reaches the object before its storage is migrated
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, MIGRATIONS));
  }

  /** Adds one to the counter `name` (1..100 characters) and returns its new value. */
  async increment(name: string): Promise<Result<number>> {
    return asResult(() => {
      if (name.length === 0 || name.length > 100) throw new ApiError("validation_failed", "A counter name is 1..100 characters");
      const row = this.ctx.storage.sql
        .exec<{ value: number }>(
          "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
          name,
        )
        .one();
      return row.value;
    });
  }
}
