// wrangler.toml text editing: a key changed in place, everything else (comments, order, spacing) kept.
// Line-based and regex-light (one-pass scans), for the configs of this repo, not arbitrary TOML.

const HEADER = /^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$/;
const keyLine = (key) => new RegExp(`^(\\s*${key.replaceAll(".", "\\.")}\\s*=\\s*)`);

/** Where each table starts and ends (line indexes), with its name and whether it is an array table. */
function tables(lines) {
  const out = [];
  lines.forEach((line, i) => {
    const m = HEADER.exec(line);
    if (m) {
      if (out.length) out[out.length - 1].end = i;
      out.push({ name: m[1], array: /^\s*\[\[/.test(line), start: i, end: lines.length });
    }
  });
  return out;
}

/** The number of lines a `key = value` starting at `i` spans (a multi-line array or inline table). */
function valueSpan(lines, i) {
  let depth = 0;
  for (let j = i; j < lines.length; j++) {
    for (const ch of scanLine(lines[j]).code) {
      if (ch === "[" || ch === "{") depth++;
      else if (ch === "]" || ch === "}") depth--;
    }
    if (depth <= 0) return j - i + 1;
  }
  return lines.length - i;
}

/**
 * A line's code outside strings (each string blanked to "") and where its comment starts (-1: none),
 * scanning from `from`; one pass, no regex.
 */
function scanLine(line, from = 0) {
  let quote = "";
  let code = "";
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      code += '""';
    } else if (ch === "#") return { code, commentAt: i };
    else code += ch;
  }
  return { code, commentAt: -1 };
}

/** The ` # comment` after a line's value (with the spaces before it), or "". */
function trailingComment(line) {
  const { commentAt } = scanLine(line, line.indexOf("=") + 1);
  return commentAt < 0 ? "" : line.slice(line.slice(0, commentAt).trimEnd().length);
}

/** Replaces the value on line `i` (all its lines), keeping the key's indentation and a trailing comment. */
function replaceValue(lines, i, key, value) {
  const span = valueSpan(lines, i);
  const last = lines[i + span - 1];
  const comment = span === 1 ? trailingComment(last) : "";
  const prefix = keyLine(key).exec(lines[i])[1];
  lines.splice(i, span, `${prefix}${value}${comment}`);
}

/** A TOML value from a JS string, boolean, number, array or plain object (inline). */
export function tomlValue(v) {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  return `{ ${Object.entries(v)
    .map(([k, x]) => `${k} = ${tomlValue(x)}`)
    .join(", ")} }`;
}

/**
 * Sets `key` in the [[table]] entry whose `matchKey` equals `matchValue` (e.g. database_id of the
 * [[d1_databases]] with database_name "edgeworks-links"); inserts the key after the match line if absent.
 * Throws when no entry matches.
 */
export function setInArrayTable(text, table, [matchKey, matchValue], key, value) {
  const lines = text.split("\n");
  const entry = tables(lines).find(
    (t) =>
      t.array &&
      t.name === table &&
      lines.slice(t.start + 1, t.end).some((l) => keyLine(matchKey).test(l) && l.includes(JSON.stringify(matchValue))),
  );
  if (!entry) throw new Error(`no [[${table}]] with ${matchKey} = "${matchValue}"`);
  const at = lines.findIndex((l, i) => i > entry.start && i < entry.end && keyLine(key).test(l));
  if (at >= 0) replaceValue(lines, at, key, tomlValue(value));
  else {
    const m = lines.findIndex((l, i) => i > entry.start && i < entry.end && keyLine(matchKey).test(l));
    lines.splice(m + 1, 0, `${key} = ${tomlValue(value)}`);
  }
  return lines.join("\n");
}

/** Sets `key` in the [table] (e.g. a var in [vars]); appends it to the table if absent. Throws without the table. */
export function setInTable(text, table, key, value) {
  const lines = text.split("\n");
  const t = tables(lines).find((x) => !x.array && x.name === table);
  if (!t) throw new Error(`no [${table}] table`);
  const at = lines.findIndex((l, i) => i > t.start && i < t.end && keyLine(key).test(l));
  if (at >= 0) replaceValue(lines, at, key, tomlValue(value));
  else {
    let end = t.end;
    while (end > t.start + 1 && (lines[end - 1].trim() === "" || lines[end - 1].trim().startsWith("#"))) end--;
    lines.splice(end, 0, `${key} = ${tomlValue(value)}`);
  }
  return lines.join("\n");
}
