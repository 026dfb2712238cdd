// A fake of the HTTP provider's API (Resend's POST /emails) for tests: the production `httpProvider`
// runs unchanged against it through `fetch`, and the fake can fail (5xx, 429 with Retry-After, a
// refusal) and be slow, per request or per recipient.

/** An email the fake accepted, as it arrived (the JSON body plus the headers that matter). */
export interface FakeSentEmail {
  idempotencyKey: string | null;
  authorization: string | null;
  body: {
    from: string;
    to: string[];
    subject: string;
    text?: string;
    html?: string;
    reply_to?: string;
    tags?: { name: string; value: string }[];
  };
}

/** One scripted answer: a status (with Retry-After), or a delay before the normal answer. */
export interface FakeAnswer {
  status?: number;
  retryAfter?: string;
  delayMs?: number;
}

/** The fake, its recorded traffic, and the knobs tests turn. */
export interface FakeMailProvider {
  /** Pass as `fetch` to `httpProvider` / `mailProviderFromEnv`. */
  fetch: typeof fetch;
  /** What it accepted, one entry per email (a repeated Idempotency-Key is answered, not sent again, as Resend does). */
  sent: FakeSentEmail[];
  /** Every request it got, accepted or not. */
  requests: { to: string; status: number }[];
  /** The next requests get these answers, in order (then normal service). */
  script(...answers: FakeAnswer[]): void;
  /** Every request for this recipient gets this answer. */
  answerFor(to: string, answer: FakeAnswer): void;
}

const sleep = (ms: number, signal: AbortSignal | null | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

/**
 * A fake Resend API at `baseUrl` (any URL works: requests never leave the test).
 *
 * @example
 * const fake = fakeMailProvider();
 * fake.script({ status: 500 }, { status: 429, retryAfter: "7" });
 * const provider = httpProvider({ baseUrl: "https://mail.fake", apiKey: "re_test", from, fetch: fake.fetch });
 */
export function fakeMailProvider(): FakeMailProvider {
  const sent: FakeSentEmail[] = [];
  const requests: { to: string; status: number }[] = [];
  const scripted: FakeAnswer[] = [];
  const perRecipient = new Map<string, FakeAnswer>();
  const answered = new Map<string, string>();

  const handle = async (request: Request, signal: AbortSignal | null | undefined): Promise<Response> => {
    const url = new URL(request.url);
    if (request.method !== "POST" || !url.pathname.endsWith("/emails")) return json(404, { message: "not found" });
    const body = (await request.json()) as FakeSentEmail["body"];
    const to = body.to?.[0] ?? "";
    const answer = scripted.shift() ?? perRecipient.get(to) ?? {};
    if (answer.delayMs) await sleep(answer.delayMs, signal);
    const status = answer.status ?? 200;
    requests.push({ to, status });
    if (status !== 200) {
      const headers: Record<string, string> = answer.retryAfter ? { "Retry-After": answer.retryAfter } : {};
      return json(
        status,
        { statusCode: status, name: status === 429 ? "rate_limit_exceeded" : "error", message: `fake ${status}` },
        headers,
      );
    }
    if (!request.headers.get("Authorization")?.startsWith("Bearer ")) return json(401, { message: "missing API key" });
    const key = request.headers.get("Idempotency-Key");
    const earlier = key ? answered.get(key) : undefined;
    if (earlier) return json(200, { id: earlier });
    const id = crypto.randomUUID();
    if (key) answered.set(key, id);
    sent.push({ idempotencyKey: key, authorization: request.headers.get("Authorization"), body });
    return json(200, { id });
  };

  return {
    sent,
    requests,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      return handle(request, init?.signal ?? request.signal);
    },
    script: (...answers) => void scripted.push(...answers),
    answerFor: (to, answer) => void perRecipient.set(to, answer),
  };
}
