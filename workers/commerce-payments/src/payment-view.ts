import { iso } from "@edgeworks/http";
import type { PaymentRow } from "./schema";
import type { Payment } from "./validation";

/** The API (and RPC `getPayment`) shape of a stored payment. */
export function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    orderId: row.orderId,
    userId: row.userId,
    status: row.status,
    amount: row.amount,
    amountRefunded: row.amountRefunded,
    currency: row.currency,
    paymentIntentId: row.paymentIntentId,
    failureCode: row.failureCode,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/** What the shop keeps of a payment: captured minus refunded (0 unless it succeeded or was refunded). */
export const netOf = (row: PaymentRow): number =>
  row.status === "succeeded" || row.status === "refunded" ? Math.max(row.amount - row.amountRefunded, 0) : 0;
