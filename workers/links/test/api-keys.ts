/** The API keys the accounts stand-in (test/fake-accounts.js) knows; shaped like real `ewk_` keys. */
export const TEST_API_KEYS = {
  valid: {
    [`ewk_readKEY1_${"r".repeat(43)}`]: { userId: "apikey_reader", scopes: ["links:read"] },
    [`ewk_fullKEY1_${"f".repeat(43)}`]: { userId: "apikey_writer", scopes: ["links:read", "links:write"] },
  },
  /** verifyApiKey throws for this one (accounts failing): must be 401, not 500. */
  broken: `ewk_brokenK1_${"b".repeat(43)}`,
} as const;
