// @ts-check
// @edgeworks/stripe-fake/control: a client of the fake's /_fake control API that needs only `fetch`, so it
// runs inside workerd (tests of a Worker cannot be reached over HTTP by the fake: they pull the signed
// deliveries and POST them to the Worker themselves).

/**
 * @param {Response} response
 * @param {string} what
 */
async function json(response, what) {
  const body = await response.json();
  if (!response.ok) throw new Error(`stripe-fake ${what}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * A client of the fake's control API.
 *
 * @example
 * const stripeFake = fakeStripe(env.STRIPE_API_BASE);
 * await stripeFake.confirm(paymentIntentId, "pm_card_visa");
 * const deliveries = await stripeFake.deliveries({ related: paymentIntentId });
 * await stripeFake.deliverTo((r) => SELF.fetch(r), "https://shop/shop/v1/stripe/webhook", deliveries);
 * @param {string} base the fake's origin (STRIPE_API_BASE)
 * @param {{ fetch?: typeof fetch }} [options]
 */
export function fakeStripe(base, options = {}) {
  let end = base.length;
  while (end > 0 && base[end - 1] === "/") end--;
  const origin = base.slice(0, end);
  const call = options.fetch ?? fetch;
  /** @param {string} path @param {unknown} [body] */
  const request = (path, body) =>
    call(
      `${origin}${path}`,
      body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
  /** @param {string} endpoint */
  const endpointPath = (endpoint) => `/_fake/webhook_endpoints/${encodeURIComponent(endpoint)}`;

  return {
    /** @param {{ related?: string, take?: number, peek?: boolean, order?: "normal" | "reverse", duplicate?: boolean, endpoint?: string }} [filter] */
    async deliveries(filter = {}) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
      return (await json(await request(`/_fake/deliveries?${query}`), "deliveries")).data;
    },

    /**
     * POSTs each delivery (payload + Stripe-Signature) to a URL, in order; returns the responses.
     * @param {(request: Request) => Promise<Response>} fetchFn e.g. `(r) => SELF.fetch(r)`
     * @param {string} url
     * @param {{ payload: string, signature: string }[]} deliveries
     * @param {{ signature?: string, payload?: string }} [override] send a forged signature or body instead
     */
    async deliverTo(fetchFn, url, deliveries, override = {}) {
      /** @type {Response[]} */
      const responses = [];
      for (const delivery of deliveries) {
        responses.push(
          await fetchFn(
            new Request(url, {
              method: "POST",
              headers: {
                "content-type": "application/json; charset=utf-8",
                "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "stripe-signature": override.signature ?? delivery.signature,
              },
              body: override.payload ?? delivery.payload,
            }),
          ),
        );
      }
      return responses;
    },

    /**
     * @param {{ duplicate?: boolean, order?: "normal" | "reverse", hold?: boolean }} settings
     * @param {string} [endpoint] id (`we_…`) or url, default "pull://tests"
     */
    async behaviour(settings, endpoint = "pull://tests") {
      return json(await request(`${endpointPath(endpoint)}/behaviour`, settings), "behaviour");
    },

    /** @param {string} [endpoint] */
    async flush(endpoint = "pull://tests") {
      return json(await request(`${endpointPath(endpoint)}/flush`, {}), "flush");
    },

    /** @param {number} seconds @returns {Promise<{ now: number, offset: number }>} */
    async advanceClock(seconds) {
      return json(await request("/_fake/clock/advance", { seconds }), "advanceClock");
    },

    /** @returns {Promise<{ now: number, offset: number }>} */
    async clock() {
      return json(await request("/_fake/clock"), "clock");
    },

    /** @param {string} paymentIntent @param {"succeed" | "fail"} [outcome] */
    async authenticate(paymentIntent, outcome = "succeed") {
      return json(await request(`/_fake/payment_intents/${encodeURIComponent(paymentIntent)}/authenticate`, { outcome }), "authenticate");
    },

    /**
     * Confirms with a test card; a decline resolves to the intent (requires_payment_method, last_payment_error).
     * @param {string} paymentIntent
     * @param {string} [paymentMethod] default "pm_card_visa"
     */
    async confirm(paymentIntent, paymentMethod = "pm_card_visa") {
      const response = await request(`/_fake/payment_intents/${encodeURIComponent(paymentIntent)}/confirm`, {
        payment_method: paymentMethod,
      });
      if (response.status === 402) return (await response.json()).error.payment_intent;
      return json(response, "confirm");
    },

    /**
     * Pays a Checkout Session as the hosted page would.
     * @param {string} session `cs_…`
     * @param {{ paymentMethod?: string, email?: string }} [input]
     */
    async completeCheckout(session, input = {}) {
      const response = await call(`${origin}/c/pay/${encodeURIComponent(session)}/complete`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ payment_method: input.paymentMethod ?? "pm_card_visa", email: input.email }),
      });
      return json(response, "completeCheckout");
    },

    /** Every delivery (with attempts and statuses). @param {{ related?: string, endpoint?: string }} [filter] */
    async log(filter = {}) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, value);
      return (await json(await request(`/_fake/deliveries/log?${query}`), "log")).data;
    },
  };
}
