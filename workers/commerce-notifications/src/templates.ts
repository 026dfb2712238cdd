// What each notice says, by email (packages/mail's layout) and by SMS (one short line). Pure: the event's
// payload and the customer's contact in, text out.
import type { CancelReason, CommerceEvent, Contact } from "@edgeworks/commerce-contracts";
import { type MailMessage, mailLink, mailMessage, oneLine, publicOrigin, renderMail } from "@edgeworks/mail";

export const TEMPLATES = ["receipt", "cancellation", "refund"] as const;
export type Template = (typeof TEMPLATES)[number];
export const CHANNELS = ["email", "sms"] as const;
export type Channel = (typeof CHANNELS)[number];

/** The events that cause a notice, and which notice. */
export type NoticeEvent = CommerceEvent<"order.confirmed" | "order.cancelled" | "payment.refunded">;
export const TEMPLATE_OF = {
  "order.confirmed": "receipt",
  "order.cancelled": "cancellation",
  "payment.refunded": "refund",
} as const satisfies Record<NoticeEvent["type"], Template>;

/** An amount in minor units as people read it: formatMoney(1234, "usd") → "$12.34". */
export function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

const REASONS: Record<CancelReason, string> = {
  out_of_stock: "some items are out of stock",
  unknown_product: "some items are no longer sold",
  payment_failed: "the payment did not go through",
  payment_timeout: "the payment was not completed in time",
  customer_request: "you asked us to cancel it",
};

interface Notice {
  subject: string;
  heading: string;
  paragraphs: string[];
  sms: string;
}

function noticeOf(event: NoticeEvent): Notice {
  const orderId = event.payload.orderId;
  switch (event.type) {
    case "order.confirmed": {
      const p = event.payload;
      const money = (n: number) => formatMoney(n, p.currency);
      return {
        subject: `Your receipt for order ${orderId}`,
        heading: "Thank you for your order",
        paragraphs: [
          ...p.lines.map((l) => `${l.quantity} × ${oneLine(l.name)} (${oneLine(l.sku)}): ${money(l.quantity * l.unitAmount)}`),
          `Total paid: ${money(p.amount)}`,
        ],
        sms: `Edgeworks: order ${orderId} is confirmed, ${money(p.amount)} paid. Thank you!`,
      };
    }
    case "order.cancelled": {
      const p = event.payload;
      const money = formatMoney(p.amount, p.currency);
      const refund = p.refund ? ` Your payment of ${money} will be refunded.` : "";
      return {
        subject: `Order ${orderId} was cancelled`,
        heading: "Your order was cancelled",
        paragraphs: [
          `We cancelled order ${orderId} because ${REASONS[p.reason]}.`,
          p.refund ? `Your payment of ${money} will be refunded; we will write again when it is.` : "You were not charged.",
        ],
        sms: `Edgeworks: order ${orderId} was cancelled because ${REASONS[p.reason]}.${refund || " You were not charged."}`,
      };
    }
    case "payment.refunded": {
      const money = formatMoney(event.payload.amount, event.payload.currency);
      return {
        subject: `Refund for order ${orderId}`,
        heading: `We refunded ${money}`,
        paragraphs: [
          `We refunded ${money} for order ${orderId}.`,
          "The money goes back to the card you paid with; your bank may take a few days to show it.",
        ],
        sms: `Edgeworks: we refunded ${money} for order ${orderId}. Your bank may take a few days to show it.`,
      };
    }
  }
}

/** The email of a notice (id `commerce-<template>/<order id>`: the mail service sends it once). */
export function emailOf(env: Env, event: NoticeEvent, to: string, contact: Contact): MailMessage {
  const notice = noticeOf(event);
  const template = TEMPLATE_OF[event.type];
  const greeting = contact.displayName ? `Hello ${oneLine(contact.displayName)},` : "Hello,";
  const parts = renderMail({
    heading: notice.heading,
    paragraphs: [greeting, ...notice.paragraphs],
    action: {
      label: "View your order",
      url: mailLink(publicOrigin(env), `/commerce/v1/orders/${encodeURIComponent(event.payload.orderId)}`),
    },
    footer: "You get this email because you placed an order at the Edgeworks shop. Change your notification settings at /commerce/v1/me.",
  });
  return mailMessage.parse({
    id: `commerce-${template}/${event.payload.orderId}`,
    to,
    subject: notice.subject,
    kind: `commerce-${template}`,
    ...parts,
  });
}

/** The SMS text of a notice (at most 320 characters: two segments). */
export function smsTextOf(event: NoticeEvent): string {
  return noticeOf(event).sms.slice(0, 320);
}
