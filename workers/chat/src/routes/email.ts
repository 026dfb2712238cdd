import { createRouter, notFound } from "@edgeworks/http";
import { escapeHtml } from "@edgeworks/ui";
import { drizzle } from "drizzle-orm/d1";
import { type ChatEnv, depsOf, type OpenEnv } from "../product";
import { emailSettingOf, findUnsubscribeToken, setEmailSetting, unsubscribeWithToken } from "../queues/email-settings";
import { getNotificationSettingsRoute, setNotificationSettingsRoute, unsubscribePageRoute, unsubscribeRoute } from "./email.openapi";

/** My notification settings (guarded: mounted on the `/v1` router through misc.ts). */
export const notificationSettingsRouter = createRouter<ChatEnv>()
  .openapi(getNotificationSettingsRoute, async (c) => {
    const { db, userId } = depsOf(c);
    return c.json({ email: await emailSettingOf(db, userId) }, 200);
  })
  .openapi(setNotificationSettingsRoute, async (c) => {
    const { db, userId, now } = depsOf(c);
    return c.json({ email: await setEmailSetting(db, userId, c.req.valid("json").email, now()) }, 200);
  });

/** Headers of the unsubscribe pages: nothing runs or frames them, the form posts back here, the token in the URL is never sent on. */
const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "private, no-store, max-age=0",
  "Referrer-Policy": "no-referrer",
};

/** A small page without scripts or styles; `body` is trusted HTML built from escaped text. */
function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
  );
}

const DONE = page(
  "Chat emails are off",
  "<p>You will no longer get emails about new chat messages. Notifications in the app and push notifications are not affected; " +
    "you can turn emails back on in the chat settings.</p>",
);

/**
 * The unsubscribe link of chat emails (open: the token is the credential). GET only shows the page, so
 * a link scanner that opens it changes nothing; POST (the page's button, or a mail client's RFC 8058
 * one-click request) turns the emails off.
 */
export const unsubscribeRouter = createRouter<OpenEnv>()
  .openapi(unsubscribePageRoute, async (c) => {
    const found = await findUnsubscribeToken(drizzle(c.env.DB), c.req.valid("query").token);
    if (!found) throw notFound("Unsubscribe link");
    if (!found.email) return c.html(DONE, 200, PAGE_HEADERS);
    const form =
      "<p>Turn off emails about new chat messages for this account? Notifications in the app and push notifications are not affected.</p>" +
      `<form method="post"><button type="submit">Turn off chat emails</button></form>`;
    return c.html(page("Turn off chat emails", form), 200, PAGE_HEADERS);
  })
  .openapi(unsubscribeRoute, async (c) => {
    if (!(await unsubscribeWithToken(drizzle(c.env.DB), c.req.valid("query").token, Date.now()))) throw notFound("Unsubscribe link");
    return c.html(DONE, 200, PAGE_HEADERS);
  });
