// vitest setup file of every Worker project (see workerTestConfig): every response the product's app answers
// while a test runs is checked against the app's own OpenAPI document (`<prefix>/openapi.json`, fetched from the
// same app once per test file): the status is documented for the operation and a JSON body matches its schema.
// The app's outermost middleware (responseContract in @edgeworks/http) calls the check installed here on
// globalThis; the worker runs in the test's isolate, so both see the same global. A drift fails the test that
// caused it; each test records how many responses were checked in `meta.responsesValidated` (the JSON report).
import { afterEach, beforeEach } from "vitest";
import { type CompiledContract, checkResponse, compileContract, readsJsonBody } from "./contract";

type CheckedApp = { fetch: (request: Request, env?: unknown, ctx?: ExecutionContext) => Response | Promise<Response> };
interface CheckContext {
  req: { url: string; method: string };
  res: Response;
  env: unknown;
}

const contracts = new WeakMap<object, Map<string, Promise<CompiledContract | null>>>();
let checked = 0;
let problems: string[] = [];

/** The app's document under `prefix`, fetched from the app itself (the check skips that request). */
function contractOf(app: CheckedApp, prefix: string, origin: string, env: unknown): Promise<CompiledContract | null> {
  let byPrefix = contracts.get(app);
  if (!byPrefix) {
    byPrefix = new Map();
    contracts.set(app, byPrefix);
  }
  let contract = byPrefix.get(prefix);
  if (!contract) {
    contract = (async () => {
      const res = await app.fetch(new Request(`${origin}${prefix}/openapi.json`), env);
      if (res.status !== 200) return null;
      return compileContract(await res.json());
    })();
    byPrefix.set(prefix, contract);
  }
  return contract;
}

async function check(app: CheckedApp, c: CheckContext): Promise<void> {
  const url = new URL(c.req.url);
  if (url.pathname.endsWith("/openapi.json") || c.res.status === 101) return;
  const prefix = `/${url.pathname.split("/")[1] ?? ""}`;
  const contract = await contractOf(app, prefix, url.origin, c.env);
  if (!contract) return;
  const contentType = c.res.headers.get("Content-Type");
  const body = readsJsonBody(contentType) && c.res.body ? await c.res.clone().text() : null;
  const verdict = checkResponse(contract, { method: c.req.method, path: url.pathname, status: c.res.status, contentType, body });
  if (verdict.checked) checked++;
  problems.push(...verdict.problems);
}

(globalThis as Record<string, unknown>).__edgeworksResponseCheck = check;

beforeEach(() => {
  checked = 0;
  problems = [];
});

afterEach((context) => {
  (context.task.meta as Record<string, unknown>).responsesValidated = checked;
  if (problems.length > 0) {
    const list = [...new Set(problems)];
    problems = [];
    throw new Error(`The OpenAPI document does not describe ${list.length} response(s) of this test:\n- ${list.join("\n- ")}`);
  }
});
