// Types of @edgeworks/stripe-fake (src/index.mjs, Node only), for TypeScript code (vitest configs, scripts).

export interface StripeFakeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Webhook endpoints registered at start; `pull://…` urls are pulled through /_fake/deliveries. */
  endpoints?: { url: string; secret: string; enabledEvents?: string[] }[];
  /** Delivery backoff: first retry after baseMs, times factor each time, at most maxAttempts; timeoutMs per attempt. */
  retry?: { baseMs?: number; factor?: number; maxAttempts?: number; timeoutMs?: number };
  /** Do not keep the process alive for the server (vitest configs, where nothing closes it). */
  unref?: boolean;
}

export interface StripeFake {
  /** e.g. "http://127.0.0.1:12111" */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the Stripe stand-in (node:http). */
export function startStripeFake(options?: StripeFakeOptions): Promise<StripeFake>;

/** The `Stripe-Signature` header value for a payload: `t=<ts>,v1=<hex HMAC-SHA256>`. */
export function signPayload(payload: string, secret: string, timestamp?: number): string;
