import type { DirectoryUser } from "@edgeworks/auth";
import { type MailMessage, mailLink, oneLine, publicOrigin, renderMail } from "@edgeworks/mail";
import { EMAIL_WINDOW_MS } from "./email-throttle";

// The email an offline member gets when a room has new messages: one per room per 15 minutes
// (email-throttle.ts), for the message that opened the window: who wrote, where, the start of that
// message (bounded), a link to the room on the chat page and the unsubscribe link (PUBLIC_ORIGIN, never
// a request's origin).

/** Longest room or sender name in a subject (the subject stays one short line). */
const MAX_NAME = 80;
/** Longest quote of the first message, in code points (the room sends at most 200 characters). */
export const MAX_QUOTE = 140;

/** Cuts `text` to `max` code points, with an ellipsis when it was longer. */
function clip(text: string, max: number): string {
  const points = [...text];
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : text;
}

/** One line (control characters become spaces, packages/mail's `oneLine`), trimmed and cut. */
function line(text: string, max = MAX_NAME): string {
  return clip(oneLine(text).trim(), max);
}

/** What the email is about. */
export interface MessageFacts {
  roomId: string;
  messageId: string;
  /** The start of the message (the room sends at most 200 characters); empty for attachments only. */
  text: string;
  /** The room's name; null for a one-on-one room. */
  roomName: string | null;
  senderName: string;
}

/**
 * The notification email for one member about new messages in a room, written for the message that
 * opened the member's 15-minute window; its id names that message and the member, so writing it again
 * (a redelivery) sends nothing twice. `unsubscribeToken` makes the link that turns chat emails off.
 *
 * @example mailOutboxInsert(db, notificationEmail(env, facts, { id: "bob", email: "bob@example.com", name: "Bob", emailVerified: true }, token))
 */
export function notificationEmail(
  env: { PUBLIC_ORIGIN?: string; DEV_MODE?: string },
  m: MessageFacts,
  to: DirectoryUser,
  unsubscribeToken: string,
): MailMessage {
  const origin = publicOrigin(env);
  const sender = line(m.senderName) || "Someone";
  const where = m.roomName === null ? "" : line(m.roomName);
  const link = `${mailLink(origin, "/chat/")}#room=${encodeURIComponent(m.roomId)}`;
  const unsubscribe = mailLink(origin, "/chat/v1/email/unsubscribe", { token: unsubscribeToken });
  const text = m.text.trim();
  const minutes = EMAIL_WINDOW_MS / 60_000;
  const parts = renderMail({
    heading: where ? `New messages in ${where}` : `New messages from ${sender}`,
    paragraphs: [
      text === "" ? `${sender} sent an attachment.` : `${sender} wrote: “${line(text, MAX_QUOTE)}”`,
      `More messages in this conversation during the next ${minutes} minutes are not emailed one by one; open it to read them.`,
    ],
    action: { label: "Open the conversation", url: link },
    footer:
      "You get this email because you are a member of this conversation and were offline when the message arrived. " +
      `Turn off chat emails: ${unsubscribe}`,
  });
  return {
    id: `chat-message/${m.messageId}/${to.id}`,
    to: to.email,
    kind: "chat-message",
    subject: where ? `New messages in ${where}` : `New messages from ${sender}`,
    unsubscribeUrl: unsubscribe,
    ...parts,
  };
}
