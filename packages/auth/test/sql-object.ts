import { DurableObject } from "cloudflare:workers";

/** A bare SQLite-backed Durable Object: the tickets tests run their functions on its storage. */
export class SqlObject extends DurableObject {}

export default { fetch: () => new Response(null, { status: 404 }) };
