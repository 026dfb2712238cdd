// The same-origin HTTP API: the session (@edgeworks/ui's createSession: tokens from accounts, per tab, as
// the chat page does) and the jobs API, whose every call carries the current access token and refreshes it
// once when it has expired.
import { createSession } from "@edgeworks/ui/session";

export { ApiFailure, type User } from "@edgeworks/ui/session";

const session = createSession("jobs:session");

export const { currentUser, logIn, register, logOut, whenLoggedOut } = session;

/**
 * An authenticated JSON call to the jobs API (same origin); a 401 triggers one refresh and one retry.
 *
 * @example const queues = await api<Page<Queue>>("/jobs/v1/queues?limit=100");
 */
export const api = session.api;
