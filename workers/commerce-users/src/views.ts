import type { Address } from "@edgeworks/commerce-contracts";
import { iso } from "@edgeworks/http";
import { and, eq, isNull, type SQL } from "drizzle-orm";
import { type AddressRow, addresses, type ProfileRow } from "./schema";
import type { AddressView } from "./validation";

/** The contract's address (what RPC answers). */
export function toAddress(row: AddressRow): Address {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postalCode: row.postalCode,
    country: row.country,
    isDefault: row.isDefault,
  };
}

/** The HTTP view of an address: the contract's fields plus its times. */
export function toAddressView(row: AddressRow): AddressView {
  return { ...toAddress(row), createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

/** A profile's settings, or the defaults of a user who never saved one. */
export function settingsOf(row: ProfileRow | undefined) {
  return {
    displayName: row?.displayName ?? null,
    phone: row?.phone ?? null,
    notifyByEmail: row?.notifyByEmail ?? true,
    notifyBySms: row?.notifyBySms ?? false,
  };
}

/** The user's live (not deleted) addresses: the scope of every address query, so no handler can forget it. */
export const ownedLive = (userId: string, ...more: (SQL | undefined)[]): SQL | undefined =>
  and(eq(addresses.userId, userId), isNull(addresses.deletedAt), ...more);
