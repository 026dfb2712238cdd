// @ts-check
// Stripe refuses parameters it does not know: 400 invalid_request_error `parameter_unknown`, "Received unknown
// parameter: <name>" with `param` naming the path (`payment_method_data[foo]`, `line_items[0][foo]`). The accepted
// names per route come from src/stripe-params.mjs (generated from the SDK's types, i.e. Stripe's OpenAPI spec);
// free-form maps (`metadata`, a meter event's `payload`) take any key, `expand` is always accepted.
import { StripeError } from "./errors.mjs";
import { ACCEPTED_PARAMS } from "./stripe-params.mjs";

/**
 * Whether the fake knows which params `method path` accepts (every /v1 route it serves should).
 * @param {string} method
 * @param {string} path the route's pattern ("/v1/customers/:id")
 */
export function hasAcceptedParams(method, path) {
  return `${method} ${path}` in ACCEPTED_PARAMS;
}

/**
 * Throws 400 `parameter_unknown` for the first param (in request order) the route does not accept.
 * @param {string} method
 * @param {string} path the route's pattern ("/v1/customers/:id")
 * @param {Record<string, any>} params the parsed body or query
 */
export function checkAcceptedParams(method, path, params) {
  const accepted = ACCEPTED_PARAMS[`${method} ${path}`];
  if (!accepted) return;
  const unknown = findUnknown(params, { ...accepted, expand: 0 }, "");
  if (unknown === undefined) return;
  throw new StripeError({
    status: 400,
    type: "invalid_request_error",
    code: "parameter_unknown",
    param: unknown,
    message: `Received unknown parameter: ${unknown}`,
  });
}

/**
 * @param {any} value a parsed param value (string, array, or object)
 * @param {Record<string, any>} tree accepted keys: 0 a value, 1 anything, an object a nested tree
 * @param {string} prefix the path so far ("" at the top)
 * @returns {string | undefined}
 */
function findUnknown(value, tree, prefix) {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnknown(value[i], tree, `${prefix}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const key of Object.keys(value)) {
    const name = prefix === "" ? key : `${prefix}[${key}]`;
    if (!Object.hasOwn(tree, key)) return name;
    const sub = tree[key];
    if (typeof sub === "object" && sub !== null) {
      const found = findUnknown(value[key], sub, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
