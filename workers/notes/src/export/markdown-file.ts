import { trimWhere } from "@edgeworks/http";

// A note as a Markdown file with YAML front matter, and back. Only the keys we write are read back
// (title, tags); anything else in front matter is kept as part of the content.

export interface MarkdownNote {
  title: string;
  content: string;
  tags: string[];
  createdAt?: string;
  updatedAt?: string;
}

/** A YAML double-quoted scalar: JSON string syntax is valid YAML. */
const yamlString = (s: string) => JSON.stringify(s);

/** The note as `---` front matter (title, tags, dates) followed by its Markdown. */
export function toMarkdownFile(note: MarkdownNote): string {
  const lines = ["---", `title: ${yamlString(note.title)}`];
  lines.push(`tags: [${note.tags.map(yamlString).join(", ")}]`);
  if (note.createdAt) lines.push(`created: ${note.createdAt}`);
  if (note.updatedAt) lines.push(`updated: ${note.updatedAt}`);
  lines.push("---", "", "");
  return `${lines.join("\n")}${note.content}`;
}

const unquote = (raw: string): string => {
  const v = raw.trim();
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (typeof parsed === "string") return parsed;
    } catch {
      // not JSON-compatible: keep the inner text
    }
    return v.slice(1, -1);
  }
  if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) return v.slice(1, -1).replaceAll("''", "'");
  return v;
};

/** Splits a YAML flow list `[a, "b, c"]` (the only list form we write) into its items. */
const flowList = (raw: string): string[] => {
  const inner = raw.trim().replace(/^\[/, "").replace(/\]$/, "");
  const items = inner.match(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]+/g) ?? [];
  return items.map(unquote).filter((t) => t.trim() !== "");
};

/**
 * Reads a Markdown file: front matter `title:` and `tags:` (flow `[a, b]` or block `- a` list) when
 * present; else the title is the first `# heading` (kept in the content) or the file name.
 */
export function fromMarkdownFile(text: string, filename: string): { title: string; content: string; tags: string[] } {
  const source = text.replace(/^\uFEFF/, "").replaceAll("\r\n", "\n");
  const fm = /^---\n([\s\S]*?)\n---\n?/.exec(source);
  let title: string | undefined;
  let tags: string[] = [];
  let content = source;
  if (fm?.[1] !== undefined) {
    content = source.slice(fm[0].length).replace(/^\n/, "");
    const lines = fm[1].split("\n");
    for (let i = 0; i < lines.length; i++) {
      const m = /^([A-Za-z]+):(.*)$/.exec(lines[i] ?? "");
      if (!m) continue;
      const [, key, value = ""] = m;
      if (key === "title" && value.trim() !== "") title = unquote(value);
      if (key === "tags") {
        if (value.trim().startsWith("[")) tags = flowList(value);
        else if (value.trim() !== "") tags = [unquote(value)];
        else {
          while (i + 1 < lines.length && /^\s*-\s+/.test(lines[i + 1] ?? ""))
            tags.push(unquote((lines[++i] ?? "").replace(/^\s*-\s+/, "")));
        }
      }
    }
  }
  title ??= firstHeading(content);
  title ??= filename.replace(/\.(md|markdown|txt)$/i, "");
  return { title: title.trim() === "" ? "Untitled" : title.trim(), content, tags };
}

const isBlank = (ch: string) => ch.trim() === "";

/**
 * The text of the first level-1 ATX heading (`# Title`, `# Title #`) that has any, scanned line by line
 * without a regex: the pattern this replaces (`/^#\s+(.+?)\s*#*\s*$/m`) backtracked cubically on a long
 * run of spaces (6 s for `"# a" + " ".repeat(2500) + "b"`), and it ran before the access check.
 * A closing run of `#` is dropped only after whitespace, as CommonMark says (`# C#` is "C#").
 */
function firstHeading(content: string): string | undefined {
  for (const line of content.split("\n")) {
    if (line[0] !== "#" || line.length < 2 || !isBlank(line.charAt(1))) continue;
    const text = line.slice(2).trim();
    const open = trimWhere(text, (ch) => ch === "#", "end");
    const heading = open === "" ? "" : open.length < text.length && isBlank(open.charAt(open.length - 1)) ? open.trim() : text;
    if (heading !== "") return heading;
  }
  return undefined;
}

/**
 * A file name from a title: no path separators, reserved or control characters, no leading dots, at most
 * 100 characters; empty becomes "Untitled".
 */
export function safeFileName(title: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const replaced = title.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, "_");
  const cleaned = trimWhere(replaced, (ch) => ch === "." || isBlank(ch));
  const short = Array.from(cleaned).slice(0, 100).join("");
  return short === "" ? "Untitled" : short;
}
