import { errors, jsonBody, jsonResponse, problemSchema } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";
import {
  addressIdParams,
  addressList,
  addressSchema,
  createAddressBody,
  profileSchema,
  updateAddressBody,
  updateProfileBody,
} from "../validation";

const base = { security: [{ bearerAuth: [] }] };
const profileBase = { ...base, tags: ["Profile"] };
const addressBase = { ...base, tags: ["Addresses"] };
/** The accounts directory could not be asked: retry after `Retry-After`. */
const directoryDown = {
  503: {
    description: "The accounts directory is unavailable; see Retry-After",
    content: { "application/problem+json": { schema: problemSchema } },
  },
};

export const getProfileRoute = createRoute({
  operationId: "getProfile",
  ...profileBase,
  method: "get",
  path: "/me",
  summary: "My profile",
  description: "The saved settings (or the defaults when never saved: a read writes nothing) and the e-mail of the platform account.",
  responses: { 200: jsonResponse(profileSchema, "The profile"), ...errors(401, 403), ...directoryDown },
});

export const updateProfileRoute = createRoute({
  operationId: "updateProfile",
  ...profileBase,
  method: "patch",
  path: "/me",
  summary: "Change my profile",
  description: "Only the given fields change. `notifyBySms: true` needs a phone (422 otherwise, also when removing the phone).",
  request: { body: jsonBody(updateProfileBody) },
  responses: { 200: jsonResponse(profileSchema, "The profile"), ...errors(400, 401, 403, 413, 415, 422, 429), ...directoryDown },
});

export const listAddressesRoute = createRoute({
  operationId: "listAddresses",
  ...addressBase,
  method: "get",
  path: "/me/addresses",
  summary: "My addresses",
  description: "Every live address (at most 20): the default first, then oldest first.",
  responses: { 200: jsonResponse(addressList, "The addresses"), ...errors(401, 403) },
});

export const createAddressRoute = createRoute({
  operationId: "createAddress",
  ...addressBase,
  method: "post",
  path: "/me/addresses",
  summary: "Add an address",
  description: "The first address is the default; `isDefault: true` moves the default to the new one. At most 20 (409).",
  request: { body: jsonBody(createAddressBody) },
  responses: {
    201: {
      description: "Created",
      headers: z.object({ Location: z.string().openapi({ example: "/commerce/v1/me/addresses/adr_V1StGXR8_Z5jdHi6B-myT" }) }),
      content: { "application/json": { schema: addressSchema } },
    },
    ...errors(400, 401, 403, 409, 413, 415, 422, 429),
  },
});

export const getAddressRoute = createRoute({
  operationId: "getAddress",
  ...addressBase,
  method: "get",
  path: "/me/addresses/{addressId}",
  summary: "One of my addresses",
  request: { params: addressIdParams },
  responses: { 200: jsonResponse(addressSchema, "The address"), ...errors(401, 403, 404, 422) },
});

export const updateAddressRoute = createRoute({
  operationId: "updateAddress",
  ...addressBase,
  method: "patch",
  path: "/me/addresses/{addressId}",
  summary: "Change an address",
  description: "Only the given fields change; `isDefault: true` moves the default here; `{}` is a no-op returning the address.",
  request: { params: addressIdParams, body: jsonBody(updateAddressBody) },
  responses: { 200: jsonResponse(addressSchema, "The address"), ...errors(400, 401, 403, 404, 409, 413, 415, 422, 429) },
});

export const deleteAddressRoute = createRoute({
  operationId: "deleteAddress",
  ...addressBase,
  method: "delete",
  path: "/me/addresses/{addressId}",
  summary: "Delete an address",
  description: "Deleting the default makes the oldest remaining address the default. Orders keep the id they were placed with.",
  request: { params: addressIdParams },
  responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 422, 429) },
});
