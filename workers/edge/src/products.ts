/** A product behind the front door: its path prefix, the service binding that serves it, and how to list it. */
export interface Product {
  prefix: string;
  binding: "ACCOUNTS" | "TODO" | "LINKS" | "NOTES" | "BLOG" | "CHAT" | "BOARDS";
  name: string;
  description: string;
}

/** The routing table. A new product adds one line here and one [[services]] entry in wrangler.toml. */
export const PRODUCTS: readonly Product[] = [
  { prefix: "/auth", binding: "ACCOUNTS", name: "Identity", description: "Accounts, sessions, JWT + JWKS, API keys" },
  { prefix: "/todo", binding: "TODO", name: "Todo API", description: "Todos with tags, priorities, due dates, bulk actions" },
  {
    prefix: "/links",
    binding: "LINKS",
    name: "URL shortener",
    description: "Short links with rules, expiry, QR codes and exact click analytics",
  },
  { prefix: "/notes", binding: "NOTES", name: "Notes API", description: "Nested notebooks, Markdown notes, full-text search, sharing" },
  { prefix: "/blog", binding: "BLOG", name: "Blog API", description: "RealWorld-compatible blog with drafts, feeds and search" },
  { prefix: "/chat", binding: "CHAT", name: "Chat API", description: "Real-time rooms on Durable Objects with gapless resume" },
  { prefix: "/boards", binding: "BOARDS", name: "Boards API", description: "Trello-like boards with race-free ordering, live updates" },
];

/** Short links live at the root (`/{slug}`): one path segment of slug characters, after every product prefix. */
const SLUG_PATH = /^\/[A-Za-z0-9_-]{1,64}$/;

/** Paths the front door keeps for itself whatever the method; the URL shortener refuses them as slugs too. */
export const RESERVED_PATHS = new Set(["/health", "/docs", "/_docs", "/api", "/static", "/assets", "/admin"]);

/** The product that serves `pathname`: the one whose prefix owns it, else the URL shortener for a bare slug. */
export function routeFor(pathname: string): Product | undefined {
  const product = productFor(pathname);
  if (product || RESERVED_PATHS.has(pathname) || !SLUG_PATH.test(pathname)) return product;
  return PRODUCTS.find((p) => p.binding === "LINKS");
}

/** The product whose prefix owns `pathname` (`/todo` and `/todo/...`, never `/todos`). */
export function productFor(pathname: string): Product | undefined {
  return PRODUCTS.find((p) => pathname === p.prefix || pathname.startsWith(`${p.prefix}/`));
}
