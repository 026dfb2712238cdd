// `pnpm keys`: fresh production keys in the formats the Workers read.
// - JWT_PRIVATE_KEYS (accounts, secret): a JSON array of EC P-256 private JWKs with kid, alg ES256, use sig
//   (workers/accounts/src/keys.ts); the first signs, the rest stay published for rotation.
// - VAPID_PUBLIC_KEY (chat, var) + VAPID_PRIVATE_KEY (chat, secret): web-push-browser's serialized form,
//   read by `deserializeVapidKeys` (workers/chat/src/queues/notify.ts): the public key is the raw
//   uncompressed P-256 point (65 bytes), the private key PKCS#8 DER, both base64url without padding.
// Private keys are never printed unless asked: `--out DIR` writes .dev.vars-style files (mode 0600),
// `--print` prints NAME=value lines (pipe one into `wrangler secret put`). `pnpm run deploy` uses these
// functions directly to upload the secrets a Worker is missing.
// Usage: node scripts/keys.mjs [jwt|vapid] [--out DIR] [--print] [--rotate FILE]
//   --rotate FILE: FILE holds the current JWT_PRIVATE_KEYS value or the live JWKS
//   (curl https://<domain>/auth/.well-known/jwks.json); the new key goes first, the old ones after it.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

/**
 * A new ES256 signing key as accounts expects it in `JWT_PRIVATE_KEYS`: a private JWK with a unique kid.
 *
 * @example const jwk = jwtSigningKey(); // { kty: "EC", crv: "P-256", x, y, d, kid, alg: "ES256", use: "sig" }
 */
export function jwtSigningKey(now = new Date()) {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const { kty, crv, x, y, d } = privateKey.export({ format: "jwk" });
  const kid = `${now.toISOString().slice(0, 10)}-${randomBytes(4).toString("hex")}`;
  return { kty, crv, x, y, d, kid, alg: "ES256", use: "sig" };
}

/**
 * The `JWT_PRIVATE_KEYS` secret value: a new key first, then the keys of `current` so tokens they signed
 * keep verifying until they expire. `current` is a previous value of the secret (a JWK array) or the
 * live JWKS (`{keys}` from /auth/.well-known/jwks.json): only the first key signs, so the retired ones
 * need no private part.
 *
 * @example jwtPrivateKeys() // '[{"kty":"EC",...}]'
 */
export function jwtPrivateKeys(current) {
  const parsed = current ? JSON.parse(current) : [];
  const previous = Array.isArray(parsed) ? parsed : parsed?.keys;
  if (!Array.isArray(previous)) throw new Error("--rotate takes the current JWT_PRIVATE_KEYS (a JSON array of JWKs) or a JWKS ({keys})");
  return JSON.stringify([jwtSigningKey(), ...previous]);
}

/**
 * A VAPID key pair serialized as web-push-browser's `serializeVapidKeys` does (and `deserializeVapidKeys`
 * reads): public = base64url(raw uncompressed point, 65 bytes), private = base64url(PKCS#8 DER).
 *
 * @example const { publicKey, privateKey } = vapidKeys();
 */
export function vapidKeys() {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const { x, y } = publicKey.export({ format: "jwk" });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(x, "base64url"), Buffer.from(y, "base64url")]);
  return {
    publicKey: raw.toString("base64url"),
    privateKey: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64url"),
  };
}

/** Every generated value, by the Worker that reads it: `{ accounts: {JWT_PRIVATE_KEYS}, chat: {VAPID_*} }`. */
export function generate(which = ["jwt", "vapid"], { current } = {}) {
  const out = {};
  if (which.includes("jwt")) out.accounts = { JWT_PRIVATE_KEYS: jwtPrivateKeys(current) };
  if (which.includes("vapid")) {
    const { publicKey, privateKey } = vapidKeys();
    out.chat = { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey };
  }
  return out;
}

/** A .dev.vars line; single quotes keep JSON's double quotes as they are. */
const line = (name, value) => `${name}='${value}'`;

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: "string" }, print: { type: "boolean" }, rotate: { type: "string" } },
  });
  const which = positionals.length ? positionals : ["jwt", "vapid"];
  const unknown = which.filter((w) => w !== "jwt" && w !== "vapid");
  if (unknown.length) throw new Error(`unknown key kind ${unknown.join(", ")} (jwt or vapid)`);
  const current = values.rotate ? readFileSync(values.rotate, "utf8").trim() : undefined;
  const keys = generate(which, { current });

  if (values.out) {
    const dir = resolve(values.out);
    mkdirSync(dir, { recursive: true });
    for (const [worker, vars] of Object.entries(keys)) {
      const file = join(dir, `${worker}.vars`);
      writeFileSync(
        file,
        `${Object.entries(vars)
          .map(([k, v]) => line(k, v))
          .join("\n")}\n`,
        { mode: 0o600 },
      );
      console.log(`wrote ${file} (${Object.keys(vars).join(", ")})`);
    }
  }
  if (values.print) {
    for (const vars of Object.values(keys)) for (const [k, v] of Object.entries(vars)) console.log(line(k, v));
  }
  if (!values.out && !values.print) {
    if (keys.chat) console.log(`VAPID_PUBLIC_KEY='${keys.chat.VAPID_PUBLIC_KEY}' (public; the private half was not printed)`);
    console.log(
      [
        "Private keys are printed only with --print and written only with --out DIR. For example:",
        "  pnpm keys --out ~/edgeworks-keys   # accounts.vars, chat.vars (.dev.vars lines; keep them out of the repository)",
        '  node scripts/keys.mjs jwt --print | cut -d"\'" -f2 | npx wrangler secret put JWT_PRIVATE_KEYS -c workers/accounts/wrangler.toml',
        "`pnpm run deploy` generates and uploads whatever secret a Worker is missing.",
      ].join("\n"),
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
