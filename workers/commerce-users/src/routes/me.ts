import { createRouter } from "@edgeworks/http";
import { createAddress, deleteAddress, getAddressOrThrow, listAddresses, updateAddress } from "../addresses.service";
import { type CommerceUsersEnv, depsOf } from "../product";
import { getProfile, updateProfile } from "../profile.service";
import {
  createAddressRoute,
  deleteAddressRoute,
  getAddressRoute,
  getProfileRoute,
  listAddressesRoute,
  updateAddressRoute,
  updateProfileRoute,
} from "./me.openapi";

/** /me and /me/addresses: the caller's profile and addresses. Handlers validate, call a service, shape the response. */
export const meRouter = createRouter<CommerceUsersEnv>()
  .openapi(getProfileRoute, async (c) => c.json(await getProfile(depsOf(c)), 200))
  .openapi(updateProfileRoute, async (c) => c.json(await updateProfile(depsOf(c), c.req.valid("json")), 200))
  .openapi(listAddressesRoute, async (c) => c.json({ items: await listAddresses(depsOf(c)) }, 200))
  .openapi(createAddressRoute, async (c) => {
    const address = await createAddress(depsOf(c), c.req.valid("json"));
    c.header("Location", `/commerce/v1/me/addresses/${address.id}`);
    return c.json(address, 201);
  })
  .openapi(getAddressRoute, async (c) => c.json(await getAddressOrThrow(depsOf(c), c.req.valid("param").addressId), 200))
  .openapi(updateAddressRoute, async (c) =>
    c.json(await updateAddress(depsOf(c), c.req.valid("param").addressId, c.req.valid("json")), 200),
  )
  .openapi(deleteAddressRoute, async (c) => {
    await deleteAddress(depsOf(c), c.req.valid("param").addressId);
    return c.body(null, 204);
  });
