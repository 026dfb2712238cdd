/** A product behind the front door: its path prefix, the service binding that serves it, and how to list it. */
export interface Product {
  prefix: string;
  binding: "ACCOUNTS" | "TODO";
  name: string;
  description: string;
}

/** The routing table. A new product adds one line here and one [[services]] entry in wrangler.toml. */
export const PRODUCTS: readonly Product[] = [
  { prefix: "/auth", binding: "ACCOUNTS", name: "Identity", description: "Accounts, sessions, JWT + JWKS, API keys" },
  { prefix: "/todo", binding: "TODO", name: "Todo API", description: "Todos with tags, priorities, due dates, bulk actions" },
];

/** The product whose prefix owns `pathname` (`/todo` and `/todo/...`, never `/todos`). */
export function productFor(pathname: string): Product | undefined {
  return PRODUCTS.find((p) => pathname === p.prefix || pathname.startsWith(`${p.prefix}/`));
}
