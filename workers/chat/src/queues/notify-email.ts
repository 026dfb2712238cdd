import type { DirectoryUser } from "@edgeworks/auth";
import { type MailMessage, mailLink, publicOrigin, renderMail } from "@edgeworks/mail";

// The email an offline member gets for a new message: who wrote, where, the start of the text, and a
// link to the room on the chat page (PUBLIC_ORIGIN, never a request's origin).

/** Longest room or sender name in a subject (the subject stays one short line). */
const MAX_NAME = 80;

/** One line: control characters (a room name may hold a newline) become spaces, then trimmed and cut. */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return [...flat].length > MAX_NAME ? `${[...flat].slice(0, MAX_NAME - 1).join("")}…` : flat;
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
 * The notification email of one message for one offline member; its id names the message and the
 * member, so writing it again (a redelivery) sends nothing twice.
 *
 * @example mailOutboxInsert(db, notificationEmail(env, facts, { id: "bob", email: "bob@example.com", name: "Bob" }))
 */
export function notificationEmail(env: { PUBLIC_ORIGIN?: string; DEV_MODE?: string }, m: MessageFacts, to: DirectoryUser): MailMessage {
  const sender = oneLine(m.senderName) || "Someone";
  const where = m.roomName === null ? "" : oneLine(m.roomName);
  const link = `${mailLink(publicOrigin(env), "/chat/")}#room=${encodeURIComponent(m.roomId)}`;
  const parts = renderMail({
    heading: where ? `${sender} wrote in ${where}` : `${sender} sent you a message`,
    paragraphs: [m.text.trim() === "" ? `${sender} sent an attachment.` : m.text],
    action: { label: "Open the conversation", url: link },
    footer: "You get this email because you are a member of this conversation and were offline when the message arrived.",
  });
  return {
    id: `chat-message/${m.messageId}/${to.id}`,
    to: to.email,
    kind: "chat-message",
    subject: where ? `New message from ${sender} in ${where}` : `New message from ${sender}`,
    ...parts,
  };
}
