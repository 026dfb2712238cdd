/** An RFC 9457 problem body, as every product (except the RealWorld routes) answers an error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: { path: string; message: string }[];
}

/**
 * The human-readable part of a failed call's `error` (`detail`, else `title`), or the status line.
 *
 * @example const { error, response } = await todo.GET("/todo/v1/todos"); if (error) show(problemText(error, response));
 */
export function problemText(error: unknown, response: Response): string {
  const problem = (typeof error === "object" && error !== null ? error : {}) as Partial<Problem>;
  return problem.detail || problem.title || `${response.status} ${response.statusText}`.trim();
}
