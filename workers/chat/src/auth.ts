import { authenticateWithAccounts, requireMethodScope } from "@edgeworks/auth";
import { limitUserWrites } from "@edgeworks/ratelimit";
import type { ChatEnv } from "./env";

/** Authentication: a Bearer access token (verified locally) or an `ewk_` API key (verified by accounts). */
export const authenticateCaller = authenticateWithAccounts<Env>();

/** Reads need `chat:read`, writes `chat:write` (`*` passes both). */
export const requireChatScope = requireMethodScope("chat");

/** HTTP writes per user per minute (room changes, tickets, uploads: 600/min); messages are limited in the room itself. */
export const limitWrites = limitUserWrites<ChatEnv>("chat-write");
