import type { ProxyContext } from "../../contract";
import { pluginProblem } from "../problem";
import { isJsonType, mapJsonBody } from "./body";
import { applyHeaderOps, headerOpsEmpty } from "./headers";
import { applyBodyOps, bodyOpsEmpty } from "./json-map";
import type { TransformConfig } from "./schema";

// The body changed, so anything describing the old bytes would now lie.
const STALE_WITH_BODY = ["content-length", "content-encoding", "etag", "content-md5", "digest", "content-digest", "repr-digest"];

/**
 * The response half of `transform`: headers, then the JSON body (≤ maxBodyBytes). Over the cap (or not
 * JSON) the body passes through untouched, or, when `strict`, the answer is a 502 problem.
 *
 * @example return transformResponse(await next(), config, ctx);
 */
export async function transformResponse(
  res: Response,
  cfg: TransformConfig,
  ctx: Pick<ProxyContext, "requestId" | "log">,
): Promise<Response> {
  const ops = cfg.response;
  const headers = headerOpsEmpty(ops.headers) ? new Headers(res.headers) : applyHeaderOps(res.headers, ops.headers);
  const init = { status: res.status, statusText: res.statusText, headers };
  if (bodyOpsEmpty(ops.body) || res.body === null || !isJsonType(res.headers.get("content-type"))) {
    return headerOpsEmpty(ops.headers) ? res : new Response(res.body, init);
  }
  const mapped = await mapJsonBody(res.body, res.headers, cfg.maxBodyBytes, (doc) => applyBodyOps(doc, ops.body));
  if (mapped.kind === "untouched") {
    if (!cfg.strict) return new Response(mapped.body, init);
    await mapped.body?.cancel();
    const why = mapped.reason === "too_large" ? `larger than ${cfg.maxBodyBytes} bytes` : "not valid JSON";
    return pluginProblem(ctx, "bad_gateway", `The upstream's JSON response is ${why}, so the route's response mapping cannot apply`);
  }
  const bytes = new TextEncoder().encode(mapped.text);
  for (const h of STALE_WITH_BODY) headers.delete(h);
  headers.set("content-length", String(bytes.byteLength));
  return new Response(bytes, init);
}
