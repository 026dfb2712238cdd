// Reads the helpers from ./index lazily (inside functions only): index re-exports this module, so a
// top-level read would hit the cycle before index has run.
import { hostileBodies, mintToken, tamper, unsignedToken } from "./index";

/** A credential every authenticated route must answer with 401; `sub` is the owner's user id. */
export type BadCredential = readonly [name: string, headers: (sub: string) => Promise<Record<string, string>>];

/** A request body every JSON route must refuse with this problem (and change nothing). */
export interface HostileCase {
  name: string;
  body: string;
  /** Default `application/json`. */
  contentType?: string;
  status: number;
  code: string;
}

const bearerOf = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * The credentials every product refuses: missing, not a Bearer, not a JWT, expired, tampered, for
 * another audience, unsigned. {@link defineSecuritySuite} always runs these.
 *
 * @example for (const [name, headers] of coreBadCredentials()) console.log(name, await headers("user_a"));
 */
export function coreBadCredentials(): BadCredential[] {
  return [
    ["no Authorization header", async () => ({})],
    ["a Basic header", async () => ({ Authorization: "Basic dXNlcjpwYXNz" })],
    ["garbage", async () => ({ Authorization: "Bearer not.a.jwt" })],
    ["an expired token", async (sub) => bearerOf(await mintToken({ sub, expiresIn: -60 }))],
    ["a tampered token", async (sub) => bearerOf(tamper(await mintToken({ sub })))],
    ["a token for another audience", async (sub) => bearerOf(await mintToken({ sub, audience: "other" }))],
    ["an alg:none token", async (sub) => bearerOf(unsignedToken(sub))],
  ];
}

/**
 * Further bad credentials a product opts into (API-key products add `unknownApiKey`).
 *
 * @example defineSecuritySuite({ ...options, badCredentials: [extraBadCredentials.unknownApiKey] });
 */
export const extraBadCredentials = {
  emptyBearer: ["an empty Bearer", async () => ({ Authorization: "Bearer " })],
  otherIssuer: ["a token from another issuer", async (sub) => bearerOf(await mintToken({ sub, issuer: "evil" }))],
  unknownApiKey: ["an unknown API key", async () => ({ Authorization: `Bearer ewk_abcdEFGH_${"x".repeat(43)}` })],
  apiKeyPrefix: ["a token with the API key prefix", async (sub) => bearerOf(`ewk_${await mintToken({ sub })}`)],
} satisfies Record<string, BadCredential>;

/**
 * Builders for {@link HostileCase}s; the bodies that name fields are the product's, since a lone
 * surrogate only fails validation in a field the route reads.
 *
 * @example const cases = [hostile.malformed(), hostile.twoMiB(), hostile.invalid("a JSON array", "[1,2]")];
 */
export const hostile = {
  malformed: (): HostileCase => ({ name: "malformed JSON", body: hostileBodies.malformed, status: 400, code: "malformed_json" }),
  twoMiB: (): HostileCase => hostile.tooLarge("a 2 MiB body", hostileBodies.twoMiB),
  tooLarge: (name: string, body: string): HostileCase => ({ name, body, status: 413, code: "payload_too_large" }),
  textPlain: (body: string): HostileCase => hostile.unsupported("a text/plain body", body, "text/plain"),
  form: (body: string): HostileCase => hostile.unsupported("a form body", body, "application/x-www-form-urlencoded"),
  unsupported: (name: string, body: string, contentType: string): HostileCase => ({
    name,
    body,
    contentType,
    status: 415,
    code: "unsupported_media_type",
  }),
  invalid: (name: string, body: string): HostileCase => ({ name, body, status: 422, code: "validation_failed" }),
};

/** The problem code the shared error handler gives each status a hostile body can earn. */
export const problemCodeFor: Record<number, string> = {
  400: "malformed_json",
  413: "payload_too_large",
  422: "validation_failed",
};
