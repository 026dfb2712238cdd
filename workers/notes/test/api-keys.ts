/** The API keys the fake accounts Worker knows; shaped like real `ewk_` keys. */
export const TEST_API_KEYS = {
  valid: {
    [`ewk_readKEY1_${"r".repeat(43)}`]: { userId: "apikey_reader", scopes: ["notes:read"] },
    [`ewk_fullKEY1_${"f".repeat(43)}`]: { userId: "apikey_writer", scopes: ["notes:read", "notes:write"] },
  },
  /** verifyApiKey throws for this one (accounts failing): must be 401, not 500. */
  broken: `ewk_brokenK1_${"b".repeat(43)}`,
  /** verifyApiKey returns a wrong shape for this one: must be 401. */
  malformed: `ewk_malfrmK1_${"m".repeat(43)}`,
} as const;
