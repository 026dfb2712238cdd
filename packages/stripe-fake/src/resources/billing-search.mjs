// @ts-check
// Search for billing objects (https://docs.stripe.com/search#search-query-language):
// `GET /v1/{subscriptions,invoices,prices,products}/search?query=…`. The fake understands the query language's
// core: clauses `field:'value'` (exact; `~` for substring), `metadata['key']:'value'`, numeric
// `field>n` / `<` / `>=` / `<=`, `-` to negate, `null` as a value, joined by all-AND or all-OR (Stripe refuses a
// mix too). The parser is a single pass over the text, no regular expressions.
import { invalidParam } from "../errors.mjs";
import { int, str } from "../params.mjs";

/** @typedef {Record<string, any>} StripeObject */
/** @typedef {{ field: string, key: string | null, op: ":" | "~" | ">" | "<" | ">=" | "<=", value: string | number | null, negate: boolean }} Clause */

const MAX_QUERY = 1000;
const MAX_CLAUSES = 10;

/**
 * @param {string} query
 * @returns {{ clauses: Clause[], join: "AND" | "OR" }}
 */
export function parseQuery(query) {
  if (query.length > MAX_QUERY) throw invalidParam("query", `The query is too long (at most ${MAX_QUERY} characters).`);
  /** @type {Clause[]} */
  const clauses = [];
  /** @type {Set<string>} */
  const joins = new Set();
  let i = 0;
  const fail = () =>
    invalidParam(
      "query",
      `We were unable to parse your search query. Try using the format \`metadata["key"]:"value"\` to query for metadata or \`key:"value"\` to query for other fields.`,
    );
  const skipSpaces = () => {
    while (query[i] === " ") i++;
  };
  /** @returns {string} a quoted string's content */
  const quoted = () => {
    const quote = query[i];
    if (quote !== "'" && quote !== '"') throw fail();
    const end = query.indexOf(quote, i + 1);
    if (end < 0) throw fail();
    const text = query.slice(i + 1, end);
    i = end + 1;
    return text;
  };
  while (i < query.length) {
    skipSpaces();
    if (clauses.length > 0) {
      const word = query.slice(i, i + 3).toUpperCase() === "AND" ? "AND" : query.slice(i, i + 2).toUpperCase() === "OR" ? "OR" : null;
      if (!word) throw fail();
      joins.add(word);
      i += word.length;
      skipSpaces();
    }
    const negate = query[i] === "-";
    if (negate) i++;
    let field = "";
    while (i < query.length && (((query[i] ?? "") >= "a" && (query[i] ?? "") <= "z") || query[i] === "_")) field += query[i++];
    if (!field) throw fail();
    /** @type {string | null} */
    let key = null;
    if (query[i] === "[") {
      i++;
      key = quoted();
      if (query[i] !== "]") throw fail();
      i++;
    }
    /** @type {Clause["op"] | undefined} */
    let op;
    for (const candidate of /** @type {const} */ ([">=", "<=", ":", "~", ">", "<"])) {
      if (query.startsWith(candidate, i)) {
        op = candidate;
        i += candidate.length;
        break;
      }
    }
    if (!op) throw fail();
    /** @type {string | number | null} */
    let value;
    if (query[i] === "'" || query[i] === '"') value = quoted();
    else {
      let raw = "";
      while (i < query.length && query[i] !== " ") raw += query[i++];
      if (raw === "null") value = null;
      else if (raw !== "" && raw.length <= 18 && Number.isFinite(Number(raw))) value = Number(raw);
      else throw fail();
    }
    clauses.push({ field, key, op, value, negate });
    if (clauses.length > MAX_CLAUSES) throw invalidParam("query", `A query can have at most ${MAX_CLAUSES} clauses.`);
  }
  if (clauses.length === 0) throw fail();
  if (joins.size > 1) throw invalidParam("query", "A query cannot mix AND and OR.");
  return { clauses, join: joins.has("OR") ? "OR" : "AND" };
}

/**
 * @param {StripeObject} object
 * @param {Clause} clause
 * @param {(object: StripeObject, field: string) => unknown} fieldOf
 */
function matches(object, clause, fieldOf) {
  const actual = clause.key !== null ? (object.metadata?.[clause.key] ?? null) : fieldOf(object, clause.field);
  let ok;
  if (clause.op === ":")
    ok = clause.value === null ? actual === null || actual === undefined : String(actual ?? "") === String(clause.value);
  else if (clause.op === "~") ok = typeof actual === "string" && clause.value !== null && actual.includes(String(clause.value));
  else {
    const n = Number(actual);
    const v = Number(clause.value);
    ok = clause.op === ">" ? n > v : clause.op === "<" ? n < v : clause.op === ">=" ? n >= v : n <= v;
  }
  return clause.negate ? !ok : ok;
}

/**
 * A search route over one type: `fields` are the searchable fields (how to read each).
 * @param {string} path e.g. "/v1/subscriptions/search"
 * @param {string} type the stored type
 * @param {Record<string, (object: StripeObject) => unknown>} fields
 * @returns {import("../router.mjs").Route}
 */
function searchRoute(path, type, fields) {
  return {
    method: "GET",
    path,
    handler(ctx) {
      const query = /** @type {string} */ (str(ctx.query, "query", { required: true, max: MAX_QUERY }));
      const { clauses, join } = parseQuery(query);
      for (const clause of clauses) {
        if (clause.field !== "metadata" && !(clause.field in fields))
          throw invalidParam("query", `Field \`${clause.field}\` is an unsupported search field for resource \`${type}\`.`);
        if (clause.field === "metadata" && clause.key === null)
          throw invalidParam("query", "metadata needs a key: metadata['key']:'value'.");
      }
      const fieldOf = (/** @type {StripeObject} */ o, /** @type {string} */ f) => fields[f]?.(o);
      const all = ctx.store.all(type, (o) =>
        join === "AND" ? clauses.every((c) => matches(o, c, fieldOf)) : clauses.some((c) => matches(o, c, fieldOf)),
      );
      const limit = Math.min(int(ctx.query, "limit", { min: 1 }) ?? 10, 100);
      const pageToken = str(ctx.query, "page", { max: 40 });
      const offset = pageToken?.startsWith("page_") ? Number(pageToken.slice(5)) || 0 : 0;
      const data = all.slice(offset, offset + limit);
      const more = offset + limit < all.length;
      return {
        object: "search_result",
        data,
        has_more: more,
        next_page: more ? `page_${offset + limit}` : null,
        url: path,
        total_count: all.length,
      };
    },
  };
}

/** @type {import("../router.mjs").Route[]} */
export const routes = [
  searchRoute("/v1/subscriptions/search", "subscription", { created: (o) => o.created, status: (o) => o.status }),
  searchRoute("/v1/invoices/search", "invoice", {
    created: (o) => o.created,
    currency: (o) => o.currency,
    customer: (o) => o.customer,
    number: (o) => o.number,
    status: (o) => o.status,
    subscription: (o) => o.parent?.subscription_details?.subscription ?? null,
    total: (o) => o.total,
  }),
  searchRoute("/v1/prices/search", "price", {
    active: (o) => o.active,
    currency: (o) => o.currency,
    lookup_key: (o) => o.lookup_key,
    product: (o) => o.product,
    type: (o) => o.type,
  }),
  searchRoute("/v1/products/search", "product", {
    active: (o) => o.active,
    created: (o) => o.created,
    description: (o) => o.description,
    name: (o) => o.name,
    shippable: (o) => o.shippable,
    url: (o) => o.url,
  }),
];
