import { ftsMatchExpression } from "@edgeworks/http";

/**
 * A user's search text as a safe FTS5 MATCH expression (packages/http's `ftsMatchExpression`, at most
 * {@link MAX_TERMS} terms): words, `prefix*` and `"quoted phrases"`, every term re-quoted.
 *
 * @example toMatchExpression('budg* "launch plan"') // '"budg"* "launch plan"'
 */
export const toMatchExpression = (q: string): string | null => ftsMatchExpression(q, MAX_TERMS);

/** At most this many terms are used; the rest of a long query is ignored. */
export const MAX_TERMS = 20;

// Private-use markers around matches; the text is HTML-escaped and then they become <mark> tags.
export const MARK_OPEN = "\uE000";
export const MARK_CLOSE = "\uE001";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

/** FTS5 highlight/snippet output as safe HTML: everything escaped, matches in `<mark>`. */
export const markedHtml = (s: string): string => escapeHtml(s).replaceAll(MARK_OPEN, "<mark>").replaceAll(MARK_CLOSE, "</mark>");
