import { address as addressContract } from "@edgeworks/commerce-contracts";
import { idParam, NO_CONTROL, NOT_BLANK_NO_CONTROL, textField } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

// Field rules come from packages/http's builders: lengths count code points, and what the OpenAPI
// document says (minLength, maxLength, pattern) is exactly what is accepted.
const line = (max: number, example: string) =>
  textField({ min: 1, max, trim: true, pattern: NOT_BLANK_NO_CONTROL, rule: "Must not be blank or contain control characters" }).openapi({
    example,
  });
/** Optional text: empty or null clears it. */
const optionalLine = (max: number, example: string) =>
  textField({ min: 0, max, trim: true, pattern: NO_CONTROL, rule: "Must not contain control characters" })
    .transform((s) => (s === "" ? null : s))
    .nullable()
    .openapi({ example, description: `Up to ${max} characters; empty or null clears it` });

/** E.164: `+`, a country code that does not start with 0, 7..15 digits in all. */
export const E164 = /^\+[1-9][0-9]{6,14}$/;
const phone = z
  .string()
  .max(16)
  .regex(E164, "Must be an E.164 phone number, e.g. +14155550100")
  .nullable()
  .openapi({ example: "+14155550100", description: "E.164; null removes it" });

const isoOut = z.iso.datetime().openapi({ example: "2026-04-30T09:15:00.000Z" });

export const profileSchema = z
  .object({
    userId: z.string(),
    /** From the accounts directory; null when the account is gone. */
    email: z.string().nullable().openapi({ example: "ada@example.com" }),
    emailVerified: z.boolean().openapi({ description: "The address is proven; only a verified one gets mail" }),
    displayName: z.string().nullable(),
    phone: z.string().nullable(),
    notifyByEmail: z.boolean(),
    notifyBySms: z.boolean(),
    createdAt: isoOut.nullable().openapi({ description: "null until the profile is first saved" }),
    updatedAt: isoOut.nullable(),
  })
  .openapi("Profile");
export type Profile = z.infer<typeof profileSchema>;

export const updateProfileBody = z
  .strictObject({
    displayName: optionalLine(100, "Ada Lovelace").optional(),
    phone: phone.optional(),
    notifyByEmail: z.boolean().optional(),
    notifyBySms: z.boolean().optional().openapi({ description: "true needs a phone (422 otherwise)" }),
  })
  .openapi("UpdateProfile", { description: "A partial update: only the given fields change" });
export type UpdateProfileInput = z.output<typeof updateProfileBody>;

const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, "Must be an ISO 3166-1 alpha-2 country code, e.g. DE")
  .transform((s) => s.toUpperCase())
  .openapi({ example: "DE", description: "ISO 3166-1 alpha-2 (stored upper case)" });

const addressFields = {
  name: line(100, "Ada Lovelace"),
  line1: line(200, "12 St James's Square"),
  line2: optionalLine(200, "Flat 2"),
  city: line(100, "London"),
  region: optionalLine(100, "Greater London"),
  postalCode: line(20, "SW1Y 4JH"),
  country,
  isDefault: z.boolean().openapi({ description: "true makes it the default (the previous default stops being one)" }),
};

export const createAddressBody = z
  .strictObject({
    ...addressFields,
    line2: addressFields.line2.optional(),
    region: addressFields.region.optional(),
    isDefault: addressFields.isDefault.optional(),
  })
  .openapi("CreateAddress");
export type CreateAddressInput = z.output<typeof createAddressBody>;

export const updateAddressBody = z
  .strictObject({
    name: addressFields.name.optional(),
    line1: addressFields.line1.optional(),
    line2: addressFields.line2.optional(),
    city: addressFields.city.optional(),
    region: addressFields.region.optional(),
    postalCode: addressFields.postalCode.optional(),
    country: addressFields.country.optional(),
    isDefault: z
      .literal(true)
      .optional()
      .openapi({ description: "Only true: move the default here (another address takes it over otherwise)" }),
  })
  .openapi("UpdateAddress", { description: "A partial update: only the given fields change; `{}` changes nothing" });
export type UpdateAddressInput = z.output<typeof updateAddressBody>;

/** The contract's address (what `UsersRpc.getAddress` answers) plus its times. */
export const addressSchema = z.object({ ...addressContract.shape, createdAt: isoOut, updatedAt: isoOut }).openapi("Address");
export type AddressView = z.infer<typeof addressSchema>;

export const addressList = z.object({ items: z.array(addressSchema) }).openapi("AddressList");

export const addressIdParams = z.object({ addressId: idParam("Address id").openapi({ param: { name: "addressId", in: "path" } }) });

/** At most this many live addresses per user. */
export const MAX_ADDRESSES = 20;
