import { trimWhere } from "./validation";

// A term with no letter or digit has no tokens for unicode61: it would match nothing or everything.
const searchable = (s: string) => /[\p{L}\p{N}]/u.test(s);
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * Turns a user's search text into a safe FTS5 MATCH expression. User text never reaches MATCH raw (a
 * stray quote or operator would be a syntax error, i.e. a 500): every term is re-quoted as an FTS5
 * string, so `AND`, `NEAR`, `-`, `:`, `(` and friends are plain words. Supported: words (all must
 * match), `prefix*`, and `"quoted phrases"` (an unterminated quote runs to the end). One linear pass
 * (the pattern has a single way to match each token); at most `maxTerms` terms are used, the rest of a
 * long query is ignored. Null when nothing is searchable.
 *
 * @example ftsMatchExpression('budg* "launch plan" SKU-1') // '"budg"* "launch plan" "SKU-1"'
 */
export function ftsMatchExpression(q: string, maxTerms = 20): string | null {
  const terms: string[] = [];
  for (const m of q.matchAll(/"([^"]*)"?|([^\s"]+)/g)) {
    const phrase = m[1];
    const word = m[2];
    if (phrase !== undefined) {
      if (searchable(phrase)) terms.push(quote(phrase));
    } else if (word !== undefined) {
      const prefix = word.endsWith("*");
      const bare = trimWhere(word, (ch) => ch === "*", "end");
      if (searchable(bare)) terms.push(prefix ? `${quote(bare)}*` : quote(bare));
    }
    if (terms.length >= maxTerms) break;
  }
  return terms.length > 0 ? terms.join(" ") : null;
}
