// @ts-check
// The currencies Stripe accepts for payments (https://docs.stripe.com/currencies), lowercase ISO 4217, in the order
// Stripe lists them in its "Invalid currency" message, and how many minor-unit digits each has in API amounts.

/** Every presentment currency Stripe supports. */
export const SUPPORTED_CURRENCIES = Object.freeze(
  (
    "usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd btn bwp byn bzd cad cdf " +
    "chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel ghs gip gmd gnf gtq gyd hkd hnl htg huf " +
    "idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mru " +
    "mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr " +
    "sek sgd shp sle sll sos srd std stn szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf " +
    "xcd xcg xof xpf yer zar zmw"
  ).split(" "),
);

const SUPPORTED = new Set(SUPPORTED_CURRENCIES);

/** Amounts in these are whole units (`amount: 500` is ¥500). */
export const ZERO_DECIMAL = Object.freeze(
  new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]),
);

/** Amounts in these have three decimals (`amount: 5120` is 5.120 KWD). */
export const THREE_DECIMAL = Object.freeze(new Set(["bhd", "jod", "kwd", "omr", "tnd"]));

/**
 * Whether Stripe accepts `code` (lowercase) as a currency.
 * @param {string} code
 */
export function isSupportedCurrency(code) {
  return SUPPORTED.has(code);
}

/**
 * Minor-unit digits of a currency in API amounts: 0, 2 or 3.
 * @param {string} code lowercase
 */
export function minorDigits(code) {
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}
