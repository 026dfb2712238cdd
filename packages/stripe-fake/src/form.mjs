// @ts-check
// Stripe's request encoding: application/x-www-form-urlencoded with nested keys, as the SDKs write it
// (`metadata[order_id]=7`, `items[0][price]=price_1`, `expand[]=latest_charge`, `expand[0]=customer`).
// Values stay strings: each handler coerces its own params (see params.mjs) the way Stripe does.

/** @typedef {{ [key: string]: any }} FormObject string values, nested objects and arrays */

const MAX_DEPTH = 8;
const UNSAFE = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Splits `a[b][0][]` into ["a", "b", "0", ""]. Linear: one pass over the key, no regex.
 * @param {string} key
 * @returns {string[]}
 */
export function splitKey(key) {
  const open = key.indexOf("[");
  if (open <= 0) return [key];
  const parts = [key.slice(0, open)];
  let i = open;
  while (i < key.length && key[i] === "[") {
    const close = key.indexOf("]", i);
    if (close < 0) break;
    parts.push(key.slice(i + 1, close));
    i = close + 1;
  }
  return parts;
}

/**
 * Parses a form body or query string into nested objects; `[n]` and `[]` make arrays.
 *
 * @example parseForm("metadata[a]=1&items[0][price]=p&expand[]=x") // {metadata:{a:"1"}, items:[{price:"p"}], expand:["x"]}
 * @param {string} text
 * @returns {FormObject}
 */
export function parseForm(text) {
  /** @type {FormObject} */
  const root = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = splitKey(key);
    // never walk into or set an object's prototype (`metadata[__proto__][x]=1`)
    if (path.length > MAX_DEPTH || path.some((part) => UNSAFE.has(part))) continue;
    assign(root, path, value);
  }
  return finishArrays(root);
}

/**
 * @param {FormObject} target
 * @param {string[]} path
 * @param {string} value
 */
function assign(target, path, value) {
  /** @type {any} */
  let node = target;
  for (let i = 0; i < path.length; i++) {
    const part = /** @type {string} */ (path[i]);
    const last = i === path.length - 1;
    const key = part === "" ? String(Object.keys(node).length) : part;
    if (last) {
      node[key] = value;
      return;
    }
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key];
  }
}

/**
 * Objects whose keys are all indices become arrays, recursively (sorted by index).
 * @param {any} node
 * @returns {any}
 */
function finishArrays(node) {
  if (typeof node !== "object" || node === null) return node;
  const keys = Object.keys(node);
  for (const key of keys) node[key] = finishArrays(node[key]);
  if (keys.length > 0 && keys.every((k) => k.length <= 6 && /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => node[String(k)]);
  }
  return node;
}
