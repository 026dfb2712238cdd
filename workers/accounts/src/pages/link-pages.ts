import { escapeHtml, pageShell } from "@edgeworks/ui";

/** Where accounts serves packages/ui's stylesheet (routes/email-links.ts), the only asset the pages load. */
export const STYLESHEET_PATH = "/auth/v1/ui.css";

/**
 * Headers of every page behind an email link: no script at all, styles only from this origin, forms
 * post only back here, never framed, never cached (the URL holds a live token) and never sent on as a
 * Referer (the same token).
 */
export const LINK_PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy":
    "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "X-Robots-Tag": "noindex",
} as const;

/** The three actions behind the links in accounts' emails. */
export type LinkAction = "verify" | "revert" | "reset";

/** The API path of each action: its email link (GET, the page) and its form (POST, the action). */
export const LINK_PATHS: Record<LinkAction, string> = {
  verify: "/email/verify",
  revert: "/email/revert",
  reset: "/password/reset",
};

interface ActionCopy {
  title: string;
  /** Trusted HTML: what the button does. */
  explain: string;
  button: string;
}

const COPY: Record<LinkAction, ActionCopy> = {
  verify: {
    title: "Verify your email address",
    explain: "<p>Confirm that this email address belongs to your Edgeworks account.</p>",
    button: "Verify this address",
  },
  revert: {
    title: "Undo the email address change",
    explain:
      "<p>Someone asked to move your Edgeworks account from the address this link was sent to onto another one.</p>" +
      "<p>If it was not you, undo it: your previous address becomes the account's again, every session and API key is signed out, " +
      "the password stops working, and a link to choose a new password is sent to your previous address.</p>" +
      "<p>If it was you, close this page: there is nothing to do.</p>",
    button: "This was not me: undo it",
  },
  reset: {
    title: "Choose a new password",
    explain:
      "<p>Choose a new password for your Edgeworks account: at least 8 characters. Every session and API key will be signed out.</p>",
    button: "Set the new password",
  },
};

const PASSWORD_FIELDS =
  '<label class="ui-field">New password <input type="password" name="newPassword" id="new-password" autocomplete="new-password" minlength="8" maxlength="256" required /></label>' +
  '<label class="ui-field">New password again <input type="password" name="newPasswordConfirm" id="new-password-confirm" autocomplete="new-password" minlength="8" maxlength="256" required /></label>';

/** A whole page in the shared layout; `body` is trusted HTML (escape anything else before). */
export function renderPage(title: string, body: string): string {
  return pageShell({
    title: `${title} · Edgeworks`,
    header: '<p class="ui-brand">Edgeworks</p>',
    main: `<section class="ui-card ui-stack"><h1>${escapeHtml(title)}</h1>${body}</section>`,
    stylesheets: [STYLESHEET_PATH],
  });
}

/**
 * The page an email link opens: what the action does and a form whose button does it. Showing it
 * changes nothing (mail scanners open links). `token` must already be token-shaped (`isTokenShaped`);
 * it is the only request data on the page, escaped into a hidden field. `error` (escaped) is shown
 * above the form when a post was refused.
 */
export function actionPage(action: LinkAction, token: string, error?: string): string {
  const copy = COPY[action];
  const alert = error === undefined ? "" : `<p class="ui-alert" data-tone="error" role="alert">${escapeHtml(error)}</p>`;
  const form =
    `<form method="post" action="/auth/v1${LINK_PATHS[action]}" class="ui-stack">` +
    `<input type="hidden" name="token" value="${escapeHtml(token)}" />` +
    (action === "reset" ? PASSWORD_FIELDS : "") +
    `<div class="ui-cluster"><button type="submit">${escapeHtml(copy.button)}</button></div></form>`;
  return renderPage(copy.title, `${copy.explain}${alert}${form}`);
}

/** A link whose token is missing, malformed, unknown, expired or used; `detail` (escaped) says which, when known. */
export function invalidLinkPage(detail?: string): string {
  const why = detail === undefined ? "" : `<p>${escapeHtml(detail)}.</p>`;
  return renderPage(
    "This link is invalid or has expired",
    `${why}<p>Links in our emails work once and for a limited time. Open the newest email we sent, or ask for a new one.</p>`,
  );
}

/** A refusal that is not about the link itself (e.g. 409: the address was taken meanwhile); `detail` is escaped. */
export function refusedPage(detail: string): string {
  return renderPage("This cannot be done", `<p>${escapeHtml(detail)}.</p>`);
}

/** The page after the form post did its work; `email` (the restored address, for revert) is escaped. */
export function donePage(action: LinkAction, email?: string): string {
  switch (action) {
    case "verify":
      return renderPage(
        "Your email address is verified",
        "<p>Thank you: the address is confirmed. The first confirmation of an account signs out the sessions from before it, so you may have to log in again.</p>",
      );
    case "revert":
      return renderPage(
        "The email change is undone",
        `<p>The account's email address is <strong>${escapeHtml(email ?? "")}</strong> again. Every session and API key was signed out and the password no longer works.</p>` +
          "<p>A password-reset link was sent to that address: open it to choose a new password.</p>",
      );
    case "reset":
      return renderPage(
        "Your password is changed",
        "<p>Every session and API key of the account was signed out. Log in again with the new password.</p>",
      );
  }
}
