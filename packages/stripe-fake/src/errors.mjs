// @ts-check
// Stripe's error body: {error: {type, code?, message, param?, decline_code?, doc_url?}}, with the status
// Stripe gives each type (https://docs.stripe.com/api/errors): 400 invalid_request_error and
// idempotency_error, 401 bad key, 402 card_error, 404 resource_missing, 409 idempotency key in use.

/** @typedef {"api_error" | "card_error" | "idempotency_error" | "invalid_request_error"} StripeErrorType */

/**
 * An error the fake answers as Stripe would. Handlers throw it; the router renders it.
 *
 * @example throw new StripeError({ status: 400, type: "invalid_request_error", code: "parameter_missing", param: "amount", message: "Missing required param: amount." });
 */
export class StripeError extends Error {
  /**
   * @param {{ status: number, type: StripeErrorType, code?: string, param?: string, message: string,
   *   decline_code?: string, extra?: Record<string, unknown> }} init
   *   `extra` adds members to the error object (e.g. `payment_intent` for card errors).
   */
  constructor(init) {
    super(init.message);
    this.name = "StripeError";
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.decline_code = init.decline_code;
    this.extra = init.extra;
  }

  /** The JSON body Stripe sends for this error. */
  toJSON() {
    /** @type {Record<string, unknown>} */
    const error = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replaceAll("_", "-")}`;
    }
    if (this.param) error.param = this.param;
    if (this.decline_code) error.decline_code = this.decline_code;
    return { error: { ...error, ...this.extra } };
  }
}

/**
 * The 404 Stripe answers for an unknown id: `No such customer: 'cus_x'`.
 * @param {string} type the object name as Stripe spells it in the message (customer, payment_intent, ...)
 * @param {string} id
 * @param {string} [param]
 */
export function resourceMissing(type, id, param = "id") {
  return new StripeError({
    status: 404,
    type: "invalid_request_error",
    code: "resource_missing",
    param,
    message: `No such ${type}: '${id}'`,
  });
}

/**
 * 400 `parameter_missing`: `Missing required param: amount.`
 * @param {string} param
 */
export function parameterMissing(param) {
  return new StripeError({
    status: 400,
    type: "invalid_request_error",
    code: "parameter_missing",
    param,
    message: `Missing required param: ${param}.`,
  });
}

/**
 * 400 `parameter_invalid_*` or a plain invalid request with a param.
 * @param {string} param
 * @param {string} message
 * @param {string} [code]
 */
export function invalidParam(param, message, code) {
  return new StripeError({ status: 400, type: "invalid_request_error", code, param, message });
}
