// The declarative config of one workspace (DESIGN.md "The config model"): strict objects, a cap on every
// list and string, defaults filled in, ids optional on input (generated when absent, kept across versions).
// Cross-field rules (unique names, references, plugin configs and order, target safety) are in validate.ts.
import { z } from "zod";
import { ALGORITHMS, PLUGIN_NAMES } from "../contract";
import { hostField, idField, nameField, pathPatternField, requestPathField } from "./names";

/** The largest config document accepted (its JSON), in bytes: bigger → 413. */
export const MAX_CONFIG_BYTES = 512 * 1024;

export const LIMITS = {
  hosts: 50,
  services: 200,
  targets: 64,
  routes: 500,
  routeHosts: 32,
  paths: 32,
  plugins: 16,
  consumers: 1000,
  groups: 32,
  jwt: 16,
  issuers: 20,
  audiences: 16,
  claims: 32,
} as const;

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export const JWT_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"] as const;

const int = (min: number, max: number) => z.number().int("Must be an integer").min(min).max(max);
const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max, `At most ${max} items`);

/** One plugin on a route or consumer: its config is checked against the plugin's own schema (validate.ts). */
export const pluginEntrySchema = z.strictObject({
  name: z.enum(PLUGIN_NAMES),
  config: z.record(z.string().max(64), z.unknown()).default({}),
});

export const targetSchema = z.strictObject({
  id: idField("target"),
  /** `https://host[:port][/base]`; exactly one of url/binding. */
  url: z.string().max(2048).optional(),
  /** A service binding named in the Worker's UPSTREAM_BINDINGS. */
  binding: z
    .string()
    .max(63)
    .regex(/^[A-Z][A-Z0-9_]{0,62}$/, "Must be an upper-case binding name")
    .optional(),
  weight: int(0, 1000).default(100),
});

export const serviceSchema = z.strictObject({
  id: idField("service"),
  name: nameField,
  targets: list(targetSchema, LIMITS.targets).min(1, "At least one target"),
  algorithm: z.enum(ALGORITHMS).default("round-robin"),
  hashOn: z
    .strictObject({
      source: z.enum(["header", "cookie", "ip"]),
      name: z
        .string()
        .max(128)
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "Must be a header or cookie name")
        .optional(),
    })
    .optional(),
  timeouts: z
    .strictObject({ connectMs: int(1, 60_000).default(5000), readMs: int(1, 300_000).default(30_000) })
    .default({ connectMs: 5000, readMs: 30_000 }),
  retries: int(0, 5).default(1),
  healthCheck: z
    .strictObject({
      path: requestPathField,
      intervalSeconds: int(5, 300).default(10),
      timeoutMs: int(100, 30_000).default(2000),
      healthyThreshold: int(1, 20).default(2),
      unhealthyThreshold: int(1, 20).default(3),
      healthyStatuses: list(int(100, 599), 50).min(1).optional(),
    })
    .optional(),
  passive: z.strictObject({ unhealthyThreshold: int(0, 100).default(5) }).optional(),
  circuitBreaker: z
    .strictObject({
      windowSeconds: int(1, 600).default(30),
      minRequests: int(1, 100_000).default(20),
      errorRatePercent: int(1, 100).default(50),
      p95LatencyMs: int(1, 600_000).optional(),
      openSeconds: int(1, 3600).default(30),
      halfOpenProbes: int(1, 100).default(1),
    })
    .optional(),
});

export const routeSchema = z.strictObject({
  id: idField("route"),
  name: nameField,
  hosts: list(hostField(true), LIMITS.routeHosts).default([]),
  paths: list(pathPatternField, LIMITS.paths).min(1, "At least one path"),
  methods: list(
    z.preprocess((m) => (typeof m === "string" ? m.toUpperCase() : m), z.enum(METHODS)),
    METHODS.length,
  ).default([]),
  priority: int(-1000, 1000).default(0),
  /** A service name, or null for a route whose `aggregate` plugin makes its own calls. */
  service: nameField.nullable().default(null),
  plugins: list(pluginEntrySchema, LIMITS.plugins).default([]),
});

export const consumerSchema = z.strictObject({
  id: idField("consumer"),
  username: nameField,
  customId: z.string().max(128).optional(),
  groups: list(nameField, LIMITS.groups).default([]),
  jwt: list(z.strictObject({ issuer: nameField, subject: z.string().min(1).max(256) }), LIMITS.jwt).default([]),
  plugins: list(pluginEntrySchema, LIMITS.plugins).default([]),
});

const claimValue = z.union([z.string().max(256), z.number(), z.boolean(), z.null()]);

export const issuerSchema = z.strictObject({
  name: nameField,
  /** The `iss` claim value. */
  issuer: z.string().min(1).max(512),
  jwksUrl: z.string().max(2048),
  audiences: list(z.string().min(1).max(256), LIMITS.audiences).default([]),
  requiredClaims: z
    .record(z.string().min(1).max(64), claimValue)
    .refine((r) => Object.keys(r).length <= LIMITS.claims, `At most ${LIMITS.claims} claims`)
    .default({}),
  algorithms: list(z.enum(JWT_ALGORITHMS), JWT_ALGORITHMS.length).min(1).default(["RS256", "ES256"]),
});

/** The whole document. Parse with `validateConfig` (validate.ts), which adds the cross-field rules. */
export const gatewayConfigSchema = z.strictObject({
  hosts: list(hostField(false), LIMITS.hosts).default([]),
  services: list(serviceSchema, LIMITS.services).default([]),
  routes: list(routeSchema, LIMITS.routes).default([]),
  consumers: list(consumerSchema, LIMITS.consumers).default([]),
  issuers: list(issuerSchema, LIMITS.issuers).default([]),
});

type Parsed = z.output<typeof gatewayConfigSchema>;
type WithId<T> = Omit<T, "id"> & { id: string };

export type PluginEntry = z.output<typeof pluginEntrySchema>;
export type Target = WithId<z.output<typeof targetSchema>>;
export type Service = WithId<Omit<Parsed["services"][number], "targets">> & { targets: Target[] };
export type Route = WithId<Parsed["routes"][number]>;
export type Consumer = WithId<Parsed["consumers"][number]>;
export type Issuer = Parsed["issuers"][number];

/** A validated config: defaults filled in, every entity with its id. What versions store and getConfig returns. */
export interface GatewayConfig {
  hosts: string[];
  services: Service[];
  routes: Route[];
  consumers: Consumer[];
  issuers: Issuer[];
}

/** What a caller may hand in (an import, a mutated copy): ids and defaults optional. */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

/** The config of a new workspace (version 1). */
export const emptyConfig = (): GatewayConfig => ({ hosts: [], services: [], routes: [], consumers: [], issuers: [] });
