// The service registry (service discovery): which service answers which public path, over which binding,
// at which version, and which of its paths need no credentials. Stored in KV under `registry` (an
// operator can change routes without a deploy); seeded from DEFAULT_REGISTRY when absent.
import { log } from "@edgeworks/http";
import { z } from "@hono/zod-openapi";

/** The KV key of the registry. */
export const REGISTRY_KEY = "registry";

const routePath = z
  .string()
  .max(200)
  .regex(/^\/commerce\/v1(\/[A-Za-z0-9._~-]+)+$/, "a path under /commerce/v1 without a trailing slash");

export const registryEntry = z
  .object({
    service: z.enum(["users", "catalog", "cart", "orders", "payments", "notifications"]),
    /** The gateway's service binding to it (an `env` key). */
    binding: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
    version: z.string().min(1).max(50),
    /** Path prefixes it answers: a request path equal to one, or under it (`/…/x`); the longest wins. */
    routes: z.array(routePath).min(1).max(50),
    /** Exact paths served without credentials (the service authenticates them its own way). */
    public: z.array(routePath).max(50),
  })
  .openapi("RegistryEntry");
export type RegistryEntry = z.infer<typeof registryEntry>;

export const registrySchema = z.array(registryEntry).min(1).max(50);
export type Registry = z.infer<typeof registrySchema>;

/** What the gateway routes when KV holds no registry (and what it seeds KV with). */
export const DEFAULT_REGISTRY: Registry = [
  { service: "users", binding: "USERS", version: "1.0.0", routes: ["/commerce/v1/me"], public: [] },
  {
    service: "catalog",
    binding: "CATALOG",
    version: "1.0.0",
    routes: ["/commerce/v1/products", "/commerce/v1/categories"],
    public: [],
  },
  { service: "cart", binding: "CART", version: "1.0.0", routes: ["/commerce/v1/cart"], public: [] },
  {
    service: "orders",
    binding: "ORDERS",
    version: "1.0.0",
    routes: ["/commerce/v1/orders", "/commerce/v1/admin/orders"],
    public: [],
  },
  {
    service: "payments",
    binding: "PAYMENTS",
    version: "1.0.0",
    routes: ["/commerce/v1/payments"],
    public: ["/commerce/v1/payments/webhooks/stripe"],
  },
  {
    service: "notifications",
    binding: "NOTIFICATIONS",
    version: "1.0.0",
    routes: ["/commerce/v1/notifications", "/commerce/v1/dev/sms"],
    public: [],
  },
];

/** A registry as loaded: the entries and where they came from. */
export interface LoadedRegistry {
  entries: Registry;
  source: "kv" | "default";
}

interface RegistryEnv {
  REGISTRY: KVNamespace;
  REGISTRY_CACHE_SECONDS?: string;
  LOG_LEVEL?: string;
}

let cached: { at: number; value: LoadedRegistry } | undefined;

/** Forgets the isolate's copy (tests that change the KV value). */
export function forgetRegistry(): void {
  cached = undefined;
}

/**
 * The registry: the isolate's copy if younger than REGISTRY_CACHE_SECONDS, else KV's; absent in KV →
 * DEFAULT_REGISTRY, written to KV; present but invalid → DEFAULT_REGISTRY (logged; KV is left for an
 * operator to fix), so a bad edit can never take the API down.
 */
export async function loadRegistry(env: RegistryEnv, now = Date.now()): Promise<LoadedRegistry> {
  const ttl = Number(env.REGISTRY_CACHE_SECONDS ?? "30") * 1000;
  if (cached && ttl > 0 && now - cached.at < ttl) return cached.value;
  const stored = await env.REGISTRY.get(REGISTRY_KEY, "json").catch(() => undefined);
  let value: LoadedRegistry;
  if (stored === null) {
    await env.REGISTRY.put(REGISTRY_KEY, JSON.stringify(DEFAULT_REGISTRY)).catch(() => undefined);
    value = { entries: DEFAULT_REGISTRY, source: "default" };
  } else {
    const parsed = registrySchema.safeParse(stored);
    if (parsed.success) value = { entries: parsed.data, source: "kv" };
    else {
      log(env.LOG_LEVEL, "error", "the registry in KV is invalid; routing by the built-in default", {
        issues: parsed.error?.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
      });
      value = { entries: DEFAULT_REGISTRY, source: "default" };
    }
  }
  cached = { at: now, value };
  return value;
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The entry whose longest route prefix matches `path` (segment-wise: `/cart` does not match `/cartx`), or null. */
export function routeFor(registry: Registry, path: string): { entry: RegistryEntry; route: string } | null {
  let best: { entry: RegistryEntry; route: string } | null = null;
  for (const entry of registry) {
    for (const route of entry.routes) {
      if (under(path, route) && (!best || route.length > best.route.length)) best = { entry, route };
    }
  }
  return best;
}

/** True when `path` is listed exactly as public by the entry that routes it. */
export function isPublicPath(registry: Registry, path: string): boolean {
  const found = routeFor(registry, path);
  return found?.entry.public.includes(path) === true;
}

/** The entry of a service, or null. */
export const entryOf = (registry: Registry, service: string): RegistryEntry | null => registry.find((e) => e.service === service) ?? null;
