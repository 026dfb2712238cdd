// PLACEHOLDER (integrator): the proxy core's owner replaces this module.

/**
 * Answers proxied traffic (`/gw/{workspace}/…`, or a workspace's own host), or null to let the admin app answer.
 *
 * @example export default gateway.worker({ fetch: proxyFetch });
 */
export function proxyFetch(_request: Request, _env: Env, _ctx: ExecutionContext): Promise<Response> | null {
  return null;
}
