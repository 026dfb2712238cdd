/** RFC 9457 problem details, as every /jobs/v1 error answers them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The platform's error code, e.g. `not_found`, `conflict`, `validation_failed`. */
  code: string;
  instance?: string;
  errors?: { path: string; location?: string; message: string }[];
  [extension: string]: unknown;
}

/**
 * An error answer of the API. Its subclass says what happened (`NotFoundError`, `ConflictError`, …);
 * `problem` is the whole problem+json body.
 *
 * @example
 * try { await jobs.getJob(id); } catch (e) { if (e instanceof NotFoundError) return null; throw e; }
 */
export class JobsApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = new.target.name;
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
  }
}

/** 400: a malformed request (e.g. a body that is not JSON). */
export class BadRequestError extends JobsApiError {}
/** 401: no credentials, or an expired or invalid token. */
export class UnauthorizedError extends JobsApiError {}
/** 403: the credential lacks `jobs:read` / `jobs:write`. */
export class ForbiddenError extends JobsApiError {}
/** 404: no such queue, job or schedule for this caller (another owner's is a 404 too). */
export class NotFoundError extends JobsApiError {}
/** 409: a state conflict, e.g. a lease token that is no longer the job's (lapsed, or the job moved on). */
export class ConflictError extends JobsApiError {}
/** 413: a body over the limit (payloads ≤ 128 KiB). */
export class PayloadTooLargeError extends JobsApiError {}
/** 422: a field is invalid; `problem.errors` lists each one. */
export class ValidationError extends JobsApiError {}
/** 429: the per-user write limit; `retryAfter` is in seconds. */
export class RateLimitedError extends JobsApiError {
  readonly retryAfter: number | null;
  constructor(problem: Problem, retryAfter: number | null) {
    super(problem);
    this.retryAfter = retryAfter;
  }
}
/** 5xx: the service failed; the request may be retried. */
export class ServerError extends JobsApiError {}

const BY_STATUS: Record<number, new (problem: Problem) => JobsApiError> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: ValidationError,
};

/** Turns an error response into its typed exception (a body that is not a problem gets a synthetic one). */
export async function errorFromResponse(res: Response): Promise<JobsApiError> {
  const text = await res.text();
  let problem: Problem;
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    problem = {
      ...parsed,
      type: parsed.type ?? "about:blank",
      title: parsed.title ?? res.statusText,
      status: parsed.status ?? res.status,
      detail: parsed.detail ?? parsed.title ?? `HTTP ${res.status}`,
      code: parsed.code ?? "unknown",
    };
  } catch {
    problem = {
      type: "about:blank",
      title: res.statusText,
      status: res.status,
      detail: text.slice(0, 500) || `HTTP ${res.status}`,
      code: "unknown",
    };
  }
  if (res.status === 429) {
    const header = res.headers.get("Retry-After");
    const seconds = header === null ? Number.NaN : Number(header);
    return new RateLimitedError(problem, Number.isFinite(seconds) && seconds >= 0 ? seconds : null);
  }
  if (res.status >= 500) return new ServerError(problem);
  const Kind = BY_STATUS[res.status] ?? JobsApiError;
  return new Kind(problem);
}
