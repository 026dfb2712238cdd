// @ts-check
// Coercion of form params the way Stripe reports bad ones (400 invalid_request_error with `param`).
import { isSupportedCurrency, SUPPORTED_CURRENCIES } from "./currencies.mjs";
import { invalidParam, parameterMissing } from "./errors.mjs";

/** @typedef {Record<string, any>} Params */

/**
 * A string param.
 * @param {Params} body
 * @param {string} name
 * @param {{ required?: boolean, max?: number }} [options]
 * @returns {string | undefined}
 */
export function str(body, name, options = {}) {
  const value = body[name];
  if (value === undefined || value === "") {
    if (options.required) throw parameterMissing(name);
    return undefined;
  }
  if (typeof value !== "string")
    throw invalidParam(name, `Invalid string: ${JSON.stringify(value).slice(0, 40)}`, "parameter_invalid_string");
  if (value.length > (options.max ?? 5000)) {
    throw invalidParam(
      name,
      `Invalid string: ${value.slice(0, 20)}...; must be at most ${options.max ?? 5000} characters`,
      "parameter_invalid_string",
    );
  }
  return value;
}

/**
 * An integer param ("1099").
 * @param {Params} body
 * @param {string} name
 * @param {{ required?: boolean, min?: number }} [options]
 * @returns {number | undefined}
 */
export function int(body, name, options = {}) {
  const value = body[name];
  if (value === undefined || value === "") {
    if (options.required) throw parameterMissing(name);
    return undefined;
  }
  const text = String(value);
  const n = Number(text);
  if (typeof value !== "string" || text.length > 18 || !Number.isSafeInteger(n) || text.trim() !== text) {
    throw invalidParam(name, `Invalid integer: ${text.slice(0, 40)}`, "parameter_invalid_integer");
  }
  if (options.min !== undefined && n < options.min) {
    throw invalidParam(name, `This value must be greater than or equal to ${options.min}.`, "parameter_invalid_integer");
  }
  return n;
}

/**
 * A boolean param ("true" / "false").
 * @param {Params} body
 * @param {string} name
 * @returns {boolean | undefined}
 */
export function bool(body, name) {
  const value = body[name];
  if (value === undefined || value === "") return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalidParam(name, `Invalid boolean: ${String(value).slice(0, 40)}`);
}

/**
 * An enum param.
 * @template {string} T
 * @param {Params} body
 * @param {string} name
 * @param {readonly T[]} values
 * @param {{ required?: boolean }} [options]
 * @returns {T | undefined}
 */
export function oneOf(body, name, values, options = {}) {
  const value = str(body, name, options);
  if (value === undefined) return undefined;
  if (!values.includes(/** @type {T} */ (value))) {
    throw invalidParam(name, `Invalid ${name}: must be one of ${values.join(", ")}`);
  }
  return /** @type {T} */ (value);
}

/**
 * A nested object param (`metadata`, `automatic_payment_methods`), or undefined.
 * @param {Params} body
 * @param {string} name
 * @returns {Params | undefined}
 */
export function obj(body, name) {
  const value = body[name];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidParam(name, "Invalid object");
  return value;
}

/**
 * An array param (`line_items`, `items`, `expand`), or [].
 * @param {Params} body
 * @param {string} name
 * @returns {any[]}
 */
export function arr(body, name) {
  const value = body[name];
  if (value === undefined || value === "") return [];
  if (!Array.isArray(value)) throw invalidParam(name, "Invalid array");
  return value;
}

/**
 * A currency Stripe supports (src/currencies.mjs), lowercased (Stripe answers in lowercase whatever the case sent);
 * anything else is 400 "Invalid currency: xxx. Stripe currently supports these currencies: usd, aed, …".
 * @param {Params} body
 * @param {string} [name]
 * @param {{ required?: boolean, param?: string }} [options] `param` names it in errors when nested
 *   (`line_items[0][price_data][currency]`); defaults to `name`
 */
export function currency(body, name = "currency", options = { required: true }) {
  const param = options.param ?? name;
  const value = body[name];
  if (value === undefined || value === "") {
    if (options.required) throw parameterMissing(param);
    return undefined;
  }
  if (typeof value !== "string")
    throw invalidParam(param, `Invalid string: ${JSON.stringify(value).slice(0, 40)}`, "parameter_invalid_string");
  const lower = value.toLowerCase();
  if (!isSupportedCurrency(lower)) {
    throw invalidParam(
      param,
      `Invalid currency: ${lower.slice(0, 20)}. Stripe currently supports these currencies: ${SUPPORTED_CURRENCIES.join(", ")}`,
    );
  }
  return lower;
}
