import { DurableObject } from "cloudflare:workers";
import { type MigrationStep, migrate } from "@edgeworks/realtime";
import type { AttemptOutcome, CompiledService } from "../contract";
import type { HealthStates } from "../health/types";

const MIGRATIONS: readonly MigrationStep[] = [];

/** SKELETON (C2 is filling it in): one object per service, health and breakers of its targets. */
export class ServiceHealth extends DurableObject<Env> {
  /** The object's clock (epoch ms); tests replace it through runInDurableObject. */
  now: () => number = Date.now;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => migrate(ctx.storage, MIGRATIONS));
  }

  /** Sets the service's config (ignored when `version` is older than the one it has); true when applied. */
  async configure(_service: CompiledService, _version: number): Promise<boolean> {
    return true;
  }

  /** Records attempts' outcomes (passive health, breaker windows) and returns the states after them. */
  async report(_outcomes: AttemptOutcome[]): Promise<HealthStates> {
    return this.states();
  }

  /** Whether a request may probe a half-open target now. */
  async acquireProbe(_targetId: string): Promise<boolean> {
    return true;
  }

  /** Every target's state. */
  async states(): Promise<HealthStates> {
    return { version: null, at: this.now(), targets: {} };
  }
}
