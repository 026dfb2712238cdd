import { authenticateWithAccounts, requireMethodScope } from "@edgeworks/auth";
import { limitUserWrites } from "@edgeworks/ratelimit";
import type { BoardsEnv } from "./env";

/** Authentication: a Bearer access token (verified locally) or an `ewk_` API key (verified by accounts). */
export const authenticateCaller = authenticateWithAccounts<Env>();

/** Reads need `boards:read`, writes `boards:write` (`*` passes both). */
export const requireBoardsScope = requireMethodScope("boards");

/** The per-user write limit (`WRITE_RATE_LIMIT_PER_MINUTE`, default 600/min; reads are not limited), with `RateLimit-*` headers and 429 past it. */
export const limitWrites = limitUserWrites<BoardsEnv>("boards-write");
