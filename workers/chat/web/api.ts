// The same-origin HTTP API: the session (@edgeworks/ui's createSession: tokens from accounts, per tab) and
// the chat client, whose every call carries the current access token and refreshes it once when it has
// expired.
import { createChatClient } from "@edgeworks/client";
import { createSession } from "@edgeworks/ui/session";

export { ApiFailure, ok, type User } from "@edgeworks/ui/session";

const session = createSession("chat:session");

export const { currentUser, logIn, register, logOut, whenLoggedOut } = session;

/**
 * The chat API as the logged-in user, typed from chat's OpenAPI document.
 *
 * @example const { items } = await ok(chat.GET("/chat/v1/rooms", { params: { query: { limit: 100 } } }));
 */
export const chat = createChatClient("", { fetch: session.authenticatedFetch });

/**
 * An authenticated JSON call by path, for callers without a typed route (prefer `ok(chat.GET(…))`).
 *
 * @example const { ticket } = await api<{ ticket: string }>(`/chat/v1/rooms/${id}/ticket`, { method: "POST" });
 */
export const api = session.api;
