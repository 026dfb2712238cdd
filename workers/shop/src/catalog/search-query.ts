import { trimWhere } from "@edgeworks/http";

/** At most this many terms are used; the rest of a long query is ignored. */
export const MAX_TERMS = 12;

// A term with no letter or digit has no tokens for unicode61: it would match nothing or everything.
const searchable = (s: string) => /[\p{L}\p{N}]/u.test(s);
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * Turns a shopper's search text into a safe FTS5 MATCH expression: every term is re-quoted as an FTS5
 * string, so `AND`, `NEAR`, `-`, `:`, `(` and stray quotes are plain words and never a syntax error.
 * Supported: words (all must match), `prefix*`, and `"quoted phrases"` (an unterminated quote runs to
 * the end). One linear pass (the pattern has a single way to match each token). Null when nothing is
 * searchable.
 *
 * @example toMatchExpression('tee* "navy blue" SKU-1') // '"tee"* "navy blue" "SKU-1"'
 */
export function toMatchExpression(q: string): string | null {
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
    if (terms.length >= MAX_TERMS) break;
  }
  return terms.length > 0 ? terms.join(" ") : null;
}
