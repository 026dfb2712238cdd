import type { ProxyContext } from "../../contract";
import { pluginProblem as problem } from "../problem";
import { isJsonType, mapJsonBody } from "./body";
import { applyHeaderOps, headerOpsEmpty } from "./headers";
import { applyBodyOps, bodyOpsEmpty } from "./json-map";
import { expandTemplate, pathProblem, stripPrefix } from "./path";
import { applyQueryOps } from "./query";
import type { TransformConfig } from "./schema";

const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Rewrites ctx.upstreamPath; a refusal as a problem response, else null. */
function rewritePath(ctx: ProxyContext, cfg: TransformConfig): Response | null {
  const { stripPrefix: prefix, rewrite } = cfg.request.path;
  if (prefix !== undefined) ctx.upstreamPath = stripPrefix(ctx.upstreamPath, prefix);
  if (rewrite !== undefined) {
    const r = expandTemplate(rewrite, ctx.params);
    if (!r.ok && r.missing !== undefined) {
      // the config names a param this route's pattern does not have: the gateway's fault, not the client's
      return problem(ctx, "bad_gateway", `The route's path rewrite uses :${r.missing}, which the matched path does not define`);
    }
    if (!r.ok) return problem(ctx, "bad_request", `The rewritten path ${r.problem}`);
    ctx.upstreamPath = r.path;
  }
  const unsafe = pathProblem(ctx.upstreamPath);
  return unsafe ? problem(ctx, "bad_request", `The rewritten path ${unsafe}`) : null;
}

/**
 * The request half of `transform`: path, query, headers, then the JSON body. Mutates ctx (upstreamPath,
 * upstreamQuery, request) and returns a problem response when the request must be refused, else null.
 *
 * @example const refused = await transformRequest(ctx, config); if (refused) return refused;
 */
export async function transformRequest(ctx: ProxyContext, cfg: TransformConfig): Promise<Response | null> {
  const ops = cfg.request;
  const refused = rewritePath(ctx, cfg);
  if (refused) return refused;
  ctx.upstreamQuery = applyQueryOps(ctx.upstreamQuery, ops.query);

  const req = ctx.request;
  const headers = headerOpsEmpty(ops.headers) ? new Headers(req.headers) : applyHeaderOps(req.headers, ops.headers);
  const mapBody = !bodyOpsEmpty(ops.body) && !BODYLESS.has(req.method) && req.body !== null && isJsonType(headers.get("content-type"));
  if (!mapBody) {
    if (!headerOpsEmpty(ops.headers)) ctx.request = new Request(req, { headers });
    return null;
  }
  const mapped = await mapJsonBody(req.body as ReadableStream<Uint8Array>, req.headers, cfg.maxBodyBytes, (doc) =>
    applyBodyOps(doc, ops.body),
  );
  if (mapped.kind === "untouched" && cfg.strict) {
    await mapped.body?.cancel();
    return mapped.reason === "too_large"
      ? problem(ctx, "payload_too_large", `The JSON body is larger than ${cfg.maxBodyBytes} bytes`)
      : problem(ctx, "malformed_json", "The request body is not valid JSON");
  }
  let body: BodyInit | null;
  if (mapped.kind === "mapped") {
    const bytes = new TextEncoder().encode(mapped.text);
    // the body changed: its length must follow, or the upstream reads a truncated or padded body
    headers.set("content-length", String(bytes.byteLength));
    headers.delete("content-encoding");
    body = bytes;
  } else {
    body = mapped.body;
  }
  ctx.request = new Request(req.url, { method: req.method, headers, body, redirect: "manual" });
  return null;
}
