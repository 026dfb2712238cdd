import { ApiError } from "@edgeworks/http";
import { parseConfigText } from "../config";
import type { GatewayConfig } from "../config/model";
import { changeConfig, getConfig } from "../config/store";
import { validateConfig } from "../config/validate";
import type { ConfigDeps } from "../deps";
import type { WorkspaceRow } from "../schema";
import { type ConfigFormat, checkDepth, tooDeep } from "./config-io";

/**
 * A request body as a config document: JSON through `JSON.parse` (400 `malformed_json`, as every JSON route
 * answers), YAML through the config layer's guarded parser (422 with line and column; alias bombs refused).
 *
 * @example const input = readConfigText('{"services":[]}', "json");
 */
export function readConfigText(text: string, format: ConfigFormat): unknown {
  let value: unknown;
  if (format === "yaml") {
    try {
      value = parseConfigText(text, "yaml");
    } catch (err) {
      // a parser recursing through thousands of nested flow collections runs out of stack: that is bad input
      if (err instanceof RangeError) throw tooDeep();
      throw err;
    }
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError("malformed_json", "The request body is not valid JSON");
    }
  }
  checkDepth(value);
  return value;
}

/** What a replace (import) answers: the version now current and its document. */
export interface Replaced {
  version: number;
  config: GatewayConfig;
  dryRun?: true;
}

/**
 * Replaces the whole config with `input` (an import) as a new version, or with `dryRun` only validates it
 * against the current one (ids kept by name, as a real import would) and stores nothing.
 *
 * @example await replaceConfig(deps, ws, parsed, { message: "import", ifVersion: 7 });
 */
export async function replaceConfig(
  deps: ConfigDeps,
  ws: WorkspaceRow,
  input: unknown,
  opts: { message?: string; ifVersion?: number; dryRun?: boolean },
): Promise<Replaced> {
  if (opts.dryRun) {
    const current = await getConfig(deps, ws);
    if (opts.ifVersion !== undefined && opts.ifVersion !== current.version)
      throw new ApiError("precondition_failed", `The config is at version ${current.version}, not ${opts.ifVersion}`, {
        extensions: { currentVersion: current.version },
      });
    return { version: current.version, config: validateConfig(input, { env: deps.env, previous: current.config }), dryRun: true };
  }
  // the document as given is the whole config: the current one is ignored (ids are still kept by name)
  return changeConfig(deps, ws, () => input as GatewayConfig, { message: opts.message || "Import", ifVersion: opts.ifVersion });
}
