import registry from "../../../products.json";

/** The service bindings of the front door (from `wrangler types`), less the reference UI's assets (DOCS). */
export type ProductBinding = Exclude<{ [K in keyof Env]: Env[K] extends Fetcher ? K : never }[keyof Env], "DOCS">;

/** A product behind the front door: its path prefix, the service binding that serves it, and how to list it. */
export interface Product {
  prefix: string;
  binding: ProductBinding;
  name: string;
  description: string;
  /** A second prefix served as sent, with no front-door CORS: the API gateway's proxied traffic (`/gw`). */
  passThrough?: string;
}

/**
 * The routing table, from the product registry (products.json at the repo root). A new product is one
 * entry there; `pnpm typecheck` (scripts/check-registry.mjs) fails until wrangler.toml, tsconfig.json,
 * README.md and worker-configuration.d.ts agree with it.
 */
export const PRODUCTS: readonly Product[] = registry.products.map((entry) => ({
  prefix: entry.prefix,
  ...("passThrough" in entry && typeof entry.passThrough === "string" ? { passThrough: entry.passThrough } : {}),
  // JSON widens the binding to string; check-registry.mjs holds it equal to wrangler.toml's [[services]], which Env comes from
  binding: entry.binding as ProductBinding,
  name: entry.name,
  description: entry.description,
}));

/** One product in the front door's document index (`GET /openapi.json`). */
export interface DocumentEntry {
  name: string;
  prefix: string;
  description: string;
  /** Its OpenAPI 3.1 document, `<prefix>/openapi.json` on this origin. */
  openapi: string;
  /** Its interactive reference (Swagger UI), `<prefix>/docs` on this origin. */
  docs: string;
}

/** The front door's document index: every product's OpenAPI document and reference page, in registry order. */
export const DOCUMENT_INDEX: { title: string; description: string; products: DocumentEntry[] } = {
  title: "Edgeworks API documents",
  description:
    "Every product's OpenAPI 3.1 document (`openapi`) and interactive reference (`docs`), as paths on this origin. " +
    "Each document names its operations (`operationId`) and says which are public (`security: []`).",
  products: PRODUCTS.map(({ name, prefix, description }) => ({
    name,
    prefix,
    description,
    openapi: `${prefix}/openapi.json`,
    docs: `${prefix}/docs`,
  })),
};

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

const owns = (prefix: string | undefined, pathname: string): boolean =>
  prefix !== undefined && (pathname === prefix || pathname.startsWith(`${prefix}/`));

/** The product whose prefix (or pass-through prefix) owns `pathname` (`/todo` and `/todo/...`, never `/todos`). */
export function productFor(pathname: string): Product | undefined {
  return PRODUCTS.find((p) => owns(p.prefix, pathname) || owns(p.passThrough, pathname));
}

/** Whether `pathname` is under a product's pass-through prefix (no front-door CORS there). */
export const isPassThrough = (pathname: string): boolean => PRODUCTS.some((p) => owns(p.passThrough, pathname));
