import { expect } from "vitest";

type ProblemBody = { errors?: { path: string; message: string; location?: string }[]; detail: string; [k: string]: unknown };

/**
 * Asserts a whole problem+json response: status, content type, and every member of the body
 * (`instance` is the request id echoed in X-Request-Id). A 422, or any problem for which `paths` are
 * named, must carry `errors` whose entries are `{path, location, message}` and whose paths include
 * `paths`. Returns the body.
 *
 * @example await expectProblem(res, 422, "validation_failed", ["title"]);
 */
export async function expectProblem(res: Response, status: number, code: string, paths: string[] = []): Promise<ProblemBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const body = (await res.json()) as ProblemBody;
  const withErrors = status === 422 || paths.length > 0;
  expect(body).toEqual({
    type: `https://edgeworks.dev/problems/${code.replaceAll("_", "-")}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: res.headers.get("X-Request-Id"),
    code,
    ...(withErrors ? { errors: expect.any(Array) } : {}),
  });
  if (status === 422) expect(body.errors?.length).toBeGreaterThan(0);
  for (const e of body.errors ?? [])
    expect(e).toEqual({ path: expect.any(String), location: expect.any(String), message: expect.any(String) });
  if (withErrors) expect(body.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(paths));
  return body;
}
