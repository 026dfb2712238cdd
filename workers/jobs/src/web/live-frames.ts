import type { ErrorFrame, PongFrame, ReadyFrame } from "@edgeworks/realtime/client";

// The frames of a queue's live socket as the dashboard reads them: types and the state names only, no
// server imports (the page's bundle and its browser tsconfig stay free of workerd types). live.ts checks
// at compile time that they say exactly what the engine's LiveEvent (src/engine/types.ts) says.

/** Every job state, in the order the dashboard shows them. */
export const STATE_NAMES = ["waiting", "delayed", "waiting-children", "active", "completed", "failed", "dead", "cancelled"] as const;
export type StateName = (typeof STATE_NAMES)[number];

/** A job changed state. */
export interface JobFrame {
  type: "job";
  id: string;
  name: string;
  from: StateName | null;
  to: StateName;
  at: string;
  error?: string;
}

/** The queue's counts per state and its throughput; at most one a second. */
export interface CountsFrame {
  type: "counts";
  counts: Record<StateName, number>;
  at: string;
  completedPerSecond: number;
  failedPerSecond: number;
}

/** Everything a dashboard socket receives. */
export type LiveFrame = JobFrame | CountsFrame | ReadyFrame | PongFrame | ErrorFrame;
