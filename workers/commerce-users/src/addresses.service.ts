import type { Address } from "@edgeworks/commerce-contracts";
import { ApiError, notFound } from "@edgeworks/http";
import { and, asc, count, desc, eq, ne } from "drizzle-orm";
import { nanoid } from "nanoid";
import type { Db, ServiceDeps } from "./deps";
import { type AddressRow, addresses } from "./schema";
import { type AddressView, type CreateAddressInput, MAX_ADDRESSES, type UpdateAddressInput } from "./validation";
import { ownedLive, toAddress, toAddressView } from "./views";

const byId = (userId: string, id: string) => ownedLive(userId, eq(addresses.id, id));

async function liveRows(db: Db, userId: string): Promise<AddressRow[]> {
  return db
    .select()
    .from(addresses)
    .where(ownedLive(userId))
    .orderBy(desc(addresses.isDefault), asc(addresses.createdAt), asc(addresses.id))
    .limit(MAX_ADDRESSES);
}

/** The user's live addresses: the default first, then oldest first (at most 20, so one page). */
export async function listAddresses({ db, userId }: ServiceDeps): Promise<AddressView[]> {
  return (await liveRows(db, userId)).map(toAddressView);
}

/** One of the user's live addresses, or 404 (also for another user's: existence is not revealed). */
export async function getAddressOrThrow({ db, userId }: ServiceDeps, id: string): Promise<AddressView> {
  const [row] = await db.select().from(addresses).where(byId(userId, id)).limit(1);
  if (!row) throw notFound("Address");
  return toAddressView(row);
}

/** RPC `getAddress`: a live address of this user, or null. */
export async function addressOf(db: Db, userId: string, id: string): Promise<Address | null> {
  const [row] = await db.select().from(addresses).where(byId(userId, id)).limit(1);
  return row ? toAddress(row) : null;
}

/** A unique-index violation: two requests raced for the one default. */
const isDefaultRace = (err: unknown) => String(err instanceof Error ? (err.cause ?? err.message) : err).includes("UNIQUE");

/**
 * Adds an address (`adr_…`). The first live one is the default; `isDefault: true` moves the default to it
 * (unset + insert in one batch). 409 past {@link MAX_ADDRESSES}.
 */
export async function createAddress({ db, userId, now, logger }: ServiceDeps, input: CreateAddressInput): Promise<AddressView> {
  const [live] = await db.select({ n: count() }).from(addresses).where(ownedLive(userId));
  const n = live?.n ?? 0;
  if (n >= MAX_ADDRESSES) throw new ApiError("conflict", `At most ${MAX_ADDRESSES} addresses; delete one first`);
  const t = now();
  const isDefault = n === 0 || input.isDefault === true;
  const row: AddressRow = {
    id: `adr_${nanoid()}`,
    userId,
    name: input.name,
    line1: input.line1,
    line2: input.line2 ?? null,
    city: input.city,
    region: input.region ?? null,
    postalCode: input.postalCode,
    country: input.country,
    isDefault,
    createdAt: t,
    updatedAt: t,
    deletedAt: null,
  };
  try {
    await db.batch([
      db
        .update(addresses)
        .set({ isDefault: false, updatedAt: t })
        .where(ownedLive(userId, isDefault ? eq(addresses.isDefault, true) : eq(addresses.id, row.id))),
      db.insert(addresses).values(row),
    ]);
  } catch (err) {
    if (isDefaultRace(err)) throw new ApiError("conflict", "Another request changed the default address at the same time; retry");
    throw err;
  }
  logger.info("address added", { userId, addressId: row.id, isDefault });
  return toAddressView(row);
}

/** Changes the given fields; `isDefault: true` moves the default here (one batch). `{}` changes nothing. */
export async function updateAddress(deps: ServiceDeps, id: string, patch: UpdateAddressInput): Promise<AddressView> {
  const { db, userId, now, logger } = deps;
  if (Object.keys(patch).length === 0) return getAddressOrThrow(deps, id);
  const current = await getAddressOrThrow(deps, id);
  const t = now();
  const { isDefault, ...fields } = patch;
  const moveDefault = isDefault === true && !current.isDefault;
  try {
    const [, updated] = await db.batch([
      db
        .update(addresses)
        .set({ isDefault: false, updatedAt: t })
        .where(ownedLive(userId, moveDefault ? and(eq(addresses.isDefault, true), ne(addresses.id, id)) : eq(addresses.id, ""))),
      db
        .update(addresses)
        .set({ ...fields, ...(moveDefault ? { isDefault: true } : {}), updatedAt: t })
        .where(byId(userId, id))
        .returning(),
    ]);
    const [row] = updated;
    if (!row) throw notFound("Address");
    logger.info("address updated", { userId, addressId: id, fields: Object.keys(patch) });
    return toAddressView(row);
  } catch (err) {
    if (isDefaultRace(err)) throw new ApiError("conflict", "Another request changed the default address at the same time; retry");
    throw err;
  }
}

/** Soft-deletes an address; when it was the default, the oldest remaining one becomes the default (same batch). */
export async function deleteAddress(deps: ServiceDeps, id: string): Promise<void> {
  const { db, userId, now, logger } = deps;
  const current = await getAddressOrThrow(deps, id);
  const t = now();
  const [next] = current.isDefault
    ? await db
        .select({ id: addresses.id })
        .from(addresses)
        .where(ownedLive(userId, ne(addresses.id, id)))
        .orderBy(asc(addresses.createdAt), asc(addresses.id))
        .limit(1)
    : [];
  const [deleted] = await db.batch([
    db.update(addresses).set({ deletedAt: t, isDefault: false, updatedAt: t }).where(byId(userId, id)).returning({ id: addresses.id }),
    db
      .update(addresses)
      .set({ isDefault: true, updatedAt: t })
      .where(ownedLive(userId, eq(addresses.id, next?.id ?? ""))),
  ]);
  if (deleted.length === 0) throw notFound("Address");
  logger.info("address deleted", { userId, addressId: id, newDefault: next?.id ?? null });
}
