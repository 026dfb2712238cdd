import { trimWhere } from "@edgeworks/http";

/**
 * Turns a user's search text into a safe FTS5 MATCH expression. User text never reaches MATCH raw (a
 * stray quote or operator would be a syntax error, i.e. a 500): every term is re-quoted as an FTS5
 * string, so `AND`, `NEAR`, `-`, `:` and friends are plain words. Supported: words (all must match),
 * `prefix*`, and `"quoted phrases"` (an unterminated quote runs to the end).
 *
 * @example toMatchExpression('budg* "launch plan"') // '"budg"* "launch plan"'
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

/** At most this many terms are used; the rest of a long query is ignored. */
export const MAX_TERMS = 20;

// A term with no letter or digit has no tokens for unicode61: it would match nothing or everything.
const searchable = (s: string) => /[\p{L}\p{N}]/u.test(s);
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

// Private-use markers around matches; the text is HTML-escaped and then they become <mark> tags.
export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

/** FTS5 highlight/snippet output as safe HTML: everything escaped, matches in `<mark>`. */
export const markedHtml = (s: string): string => escapeHtml(s).replaceAll(MARK_OPEN, "<mark>").replaceAll(MARK_CLOSE, "</mark>");
