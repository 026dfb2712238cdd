const encoder = new TextEncoder();

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The `X-Edgeworks-Signature` value of a request body, Stripe-style: `t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>">`. The receiver recomputes it with the shared secret, compares in
 * constant time and refuses a `t` older than a few minutes (replays).
 *
 * @example await signatureHeader("whsec", '{"a":1}', 1764928800) // "t=1764928800,v1=5f0c…"
 */
export async function signatureHeader(secret: string, body: string, t: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${t}.${body}`));
  return `t=${t},v1=${hex(mac)}`;
}
