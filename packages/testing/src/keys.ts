/**
 * Signing keys for tests only. They are public in this repository, so nothing outside tests may
 * trust them: `pnpm dev` generates its own keys into `.dev.vars`, production uses `wrangler secret`.
 */
export const TEST_PRIVATE_JWKS = [
  {
    kty: "EC",
    crv: "P-256",
    x: "xG-SksJIvUNxHZvDZVNkW51EN8DO6MbI-Eflm8Hb3f0",
    y: "hJ1anfEZTNl9xc9gnQcMQS8At6Ke_G_suNelbIilZGI",
    d: "Nx3YDuXqZX4ujBbpa44DmFknljQ5VECkEWUmoq6eEl8",
    kid: "test-key-1",
    alg: "ES256",
    use: "sig",
  },
  {
    kty: "EC",
    crv: "P-256",
    x: "qzDLXXQBdN-G0JFl73J1Qn31SMTgzCgrPojYbX0otx4",
    y: "cQKseMrymkfBDjqZkmTRPxFWxZxOw85_-j2C2WSJZn4",
    d: "RoCN4dpCJN3Ssc8XZeofN3bpCMfXmACFdIlI5E6A5aU",
    kid: "test-key-2",
    alg: "ES256",
    use: "sig",
  },
] as const;

/** The public half of the test keys, as a JWKS. */
export const TEST_PUBLIC_JWKS = {
  keys: TEST_PRIVATE_JWKS.map(({ d: _d, ...pub }) => pub),
};

export const TEST_ISSUER = "edgeworks-accounts";
export const TEST_AUDIENCE = "edgeworks";
