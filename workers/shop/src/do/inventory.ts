import { DurableObject } from "cloudflare:workers";

/** Stock and live reservations of one product's variants (idFromName(productId)). */
export class Inventory extends DurableObject<Env> {}
