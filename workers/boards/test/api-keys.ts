/** The API keys the accounts stand-in knows for these tests; shaped like real `ewk_` keys. */
export const TEST_API_KEYS = {
  valid: {
    [`ewk_readKEY1_${"r".repeat(43)}`]: { userId: "apikey_reader", scopes: ["boards:read"] },
    [`ewk_fullKEY1_${"f".repeat(43)}`]: { userId: "apikey_writer", scopes: ["boards:read", "boards:write"] },
  },
  broken: `ewk_brokenK1_${"b".repeat(43)}`,
  malformed: `ewk_malfrmK1_${"m".repeat(43)}`,
};
