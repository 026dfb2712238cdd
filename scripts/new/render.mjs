// Renders scripts/new/template (→ workers/<name>/) and scripts/new/migration (→ migrations/<name>/) for
// scripts/new.mjs. Files end in .tmpl so that neither biome nor tsc reads the template itself.
//   __key__      is replaced by vars[key] (an unknown key is an error, so a typo cannot reach a product)
//   @@if flag    … @@end   keeps the lines between only when the flag is on (`@@if !flag`: when it is off)
//   @flag/…      a top-level folder whose files exist only with that flag (@do, @queue, @r2, @kv)
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

/** Replaces every `__key__`; throws on a key that `vars` lacks. */
export function fill(text, vars, where) {
  return text.replace(/__([A-Za-z][A-Za-z_-]*?)__/g, (_, key) => {
    if (!(key in vars)) throw new Error(`${where}: unknown placeholder __${key}__`);
    return vars[key];
  });
}

/** Keeps or drops the `@@if` blocks (not nested) and removes the marker lines. */
export function conditionals(text, flags, where) {
  const out = [];
  let keep = true;
  let open = false;
  for (const line of text.split("\n")) {
    const m = /^@@if (!?)(\w+)$/.exec(line.trim());
    if (m) {
      if (open) throw new Error(`${where}: nested @@if`);
      if (!(m[2] in flags)) throw new Error(`${where}: unknown flag ${m[2]}`);
      open = true;
      keep = m[1] === "!" ? !flags[m[2]] : flags[m[2]];
    } else if (line.trim() === "@@end") {
      if (!open) throw new Error(`${where}: @@end without @@if`);
      open = false;
      keep = true;
    } else if (keep) out.push(line);
  }
  if (open) throw new Error(`${where}: @@if without @@end`);
  return out.join("\n");
}

/** Every file of a new product: `{ path, text }` with paths relative to the repo root. */
export function renderTemplate(base, { name, flags, vars }) {
  const files = [];
  const add = (root, file, target) => {
    const rel = relative(root, file).split(sep).join("/");
    if (!rel.endsWith(".tmpl")) return;
    const where = relative(base, file);
    const text = fill(conditionals(readFileSync(file, "utf8"), flags, where), vars, where);
    files.push({ path: `${target}/${fill(rel.slice(0, -".tmpl".length), vars, where)}`, text });
  };
  const template = join(base, "template");
  for (const file of walk(template)) {
    const rel = relative(template, file).split(sep);
    if (rel[0].startsWith("@")) {
      const flag = rel[0].slice(1);
      if (!(flag in flags)) throw new Error(`template/${rel[0]}: unknown flag`);
      if (flags[flag]) add(join(template, rel[0]), file, `workers/${name}`);
    } else add(template, file, `workers/${name}`);
  }
  for (const file of walk(join(base, "migration"))) add(join(base, "migration"), file, `migrations/${name}`);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
