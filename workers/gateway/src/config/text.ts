// Config documents as text (import/export, like decK/KrakenD): JSON or YAML 1.2. Parsing is defensive: a
// size cap before parsing, YAML aliases capped (an alias bomb is refused before it expands), one document
// only, plain data only (core schema: no custom tags), and the expanded result capped again.
import { ApiError } from "@edgeworks/http";
import { parseDocument, stringify } from "yaml";
import { MAX_CONFIG_BYTES } from "./model";

export type ConfigFormat = "json" | "yaml";

/** Aliases a YAML document may use (a config has no reason for many). */
export const MAX_YAML_ALIASES = 100;

const syntaxError = (message: string, line?: number, column?: number) =>
  new ApiError("validation_failed", "The config document cannot be parsed", {
    errors: [{ path: "", location: "body", message: line ? `line ${line}, column ${column}: ${message}` : message }],
    extensions: line ? { line, column } : {},
  });

const tooLarge = (what: string) =>
  new ApiError("payload_too_large", `The config document ${what} is larger than ${MAX_CONFIG_BYTES} bytes`);

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return [line, offset - before.lastIndexOf("\n")];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err instanceof Error ? err.message : "Invalid JSON").split("\n")[0]?.slice(0, 200) ?? "Invalid JSON";
    // V8 names a position only sometimes; JSON is (nearly) YAML flow syntax, so yaml's parser locates the error
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : parseDocument(text, { version: "1.2" }).errors[0]?.pos[0];
    if (offset === undefined) throw syntaxError(message);
    const [line, column] = lineColumn(text, offset);
    const cut = message.indexOf(" in JSON at position");
    throw syntaxError(cut >= 0 ? message.slice(0, cut) : message, line, column);
  }
}

function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { version: "1.2", schema: "core", uniqueKeys: true, prettyErrors: false, merge: false, strict: true });
  const error = doc.errors[0];
  if (error) {
    const [line, column] = lineColumn(text, error.pos[0]);
    throw syntaxError(error.message.split("\n")[0]?.slice(0, 200) ?? "Invalid YAML", line, column);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    // the yaml library refuses an alias expanding past the cap ("resource exhaustion attack")
    throw syntaxError(err instanceof Error ? err.message : "Invalid YAML");
  }
}

/**
 * Parses an imported document into plain data for `validateConfig`. 413 above 512 KiB (before and after
 * YAML alias expansion); 422 `validation_failed` with `line`/`column` on a syntax error, a duplicate key,
 * several documents or too many aliases.
 *
 * @example const input = parseConfigText(await c.req.text(), "yaml");
 */
export function parseConfigText(text: string, format: ConfigFormat): unknown {
  if (text.length > MAX_CONFIG_BYTES || new TextEncoder().encode(text).byteLength > MAX_CONFIG_BYTES) throw tooLarge("");
  const depth = bracketDepth(text);
  if (depth > MAX_DEPTH) throw syntaxError(`Nested deeper than ${MAX_DEPTH} levels of [ and {`);
  const value = format === "json" ? parseJson(text) : parseYaml(text);
  let json: string;
  try {
    json = JSON.stringify(value) ?? "";
  } catch {
    // a YAML alias inside its own anchor (`a: &a [*a]`) makes a cycle
    throw syntaxError("An alias refers to a node that contains it");
  }
  if (new TextEncoder().encode(json).byteLength > MAX_CONFIG_BYTES) throw tooLarge("once expanded");
  return value;
}

/** Nesting a config never needs (the model is ~6 deep; plugin configs a few more). */
export const MAX_DEPTH = 64;

/** The deepest nesting of `[`/`{` (quotes not considered: a string of 64 unclosed brackets is refused too). Linear. */
function bracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth);
    else if ((ch === 0x5d || ch === 0x7d) && depth > 0) depth--;
  }
  return max;
}

/**
 * Renders a config as a document: 2-space JSON, or YAML (block style, no anchors, no line folding).
 * `parseConfigText(renderConfig(c, f), f)` validates back to the same config.
 *
 * @example return new Response(renderConfig(config, "yaml"), { headers: { "Content-Type": "application/yaml" } });
 */
export function renderConfig(config: unknown, format: ConfigFormat): string {
  if (format === "json") return `${JSON.stringify(config, null, 2)}\n`;
  return stringify(config, { aliasDuplicateObjects: false, lineWidth: 0, version: "1.2" });
}
