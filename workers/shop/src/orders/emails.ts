// Receipt and refund emails: written by the events consumer into the mail outbox (packages/mail), the
// same outbox the platform uses; the mail service sends each email id once.
import { accountsDirectory } from "@edgeworks/auth";
import { type MailMessage, mailLink, mailMessage, oneLine, publicOrigin, renderMail } from "@edgeworks/mail";
import { eq } from "drizzle-orm";
import type { Db } from "../deps";
import { formatMoney } from "./pricing";
import { refunds } from "./schema";
import { linesOf, type OrderRow } from "./service";

/**
 * Where an order's emails go: the address given at checkout, else the customer's account address when
 * its owner verified it (anyone can register someone else's address). Null: nobody to mail.
 */
export async function recipientOf(env: Env, order: OrderRow): Promise<string | null> {
  if (order.email) return order.email;
  const [user] = await accountsDirectory(env).getUsers([order.userId]);
  return user?.emailVerified ? user.email : null;
}

const orderLink = (env: Env, order: OrderRow) => mailLink(publicOrigin(env), `/shop/v1/orders/${encodeURIComponent(order.id)}`);

/** The receipt of a paid order (id `shop-receipt/<order id>`: sent once). */
export async function receiptMail(env: Env, db: Db, order: OrderRow, to: string): Promise<MailMessage> {
  const lines = await linesOf(db, order.id);
  const money = (n: number) => formatMoney(n, order.currency);
  const paragraphs = [
    ...lines.map((l) => `${l.quantity} × ${oneLine(l.title)} (${l.sku}): ${money(l.total)}`),
    `Subtotal ${money(order.subtotal)}${order.discount > 0 ? `, discount −${money(order.discount)}` : ""}, tax ${money(order.tax)}, shipping ${money(order.shipping)} (${order.shippingMethod})`,
    `Total paid: ${money(order.amountPaid)}`,
  ];
  const parts = renderMail({
    heading: `Thank you for your order #${order.number}`,
    paragraphs,
    action: { label: "View your order", url: orderLink(env, order) },
    footer: "You get this email because you placed an order at the Edgeworks shop.",
  });
  return mailMessage.parse({
    id: `shop-receipt/${order.id}`,
    to,
    subject: `Your receipt for order #${order.number}`,
    kind: "shop-receipt",
    ...parts,
  });
}

/** The email of one refund (id `shop-refund/<refund id>`: sent once); null when the refund is not (yet) succeeded. */
export async function refundMail(env: Env, db: Db, order: OrderRow, refundId: string, to: string): Promise<MailMessage | null> {
  const [refund] = await db.select().from(refunds).where(eq(refunds.id, refundId));
  if (refund?.state !== "succeeded") return null;
  const money = (n: number) => formatMoney(n, order.currency);
  const parts = renderMail({
    heading: `We refunded ${money(refund.amount)} for order #${order.number}`,
    paragraphs: [
      `Reason: ${oneLine(refund.reason)}`,
      `Refunded so far: ${money(order.amountRefunded)} of ${money(order.amountPaid)}.`,
      "The money goes back to the card you paid with; your bank may take a few days to show it.",
    ],
    action: { label: "View your order", url: orderLink(env, order) },
    footer: "You get this email because you placed an order at the Edgeworks shop.",
  });
  return mailMessage.parse({
    id: `shop-refund/${refund.id}`,
    to,
    subject: `Refund for order #${order.number}`,
    kind: "shop-refund",
    ...parts,
  });
}
