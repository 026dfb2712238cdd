// `node scripts/check-regex.mjs [paths…]`: every regular expression in the Workers' and packages' source
// (`workers/*/src/**/*.ts`, `packages/*/src/**/*.ts`, or the files and folders given) goes through the
// recheck ReDoS checker, and any pattern that is not proven `safe` (vulnerable: exponential or polynomial
// backtracking; unknown: the checker gave up or cannot read it) fails the run with its file:line, the
// pattern and an attack string. Run by `pnpm lint`, so a super-linear regex cannot land.
//
// Found with the TypeScript compiler API, not a regex over the text: regex literals (`/…/u`), and
// `new RegExp(…)` / `RegExp(…)` whose pattern is a string literal, a template without substitutions, or a
// template whose substitutions are `const`s of this file that are themselves strings (resolved, so a
// pattern assembled from a shared character class is checked as it runs). A `RegExp(…)` built from
// anything else is listed as not checked (it does not fail the run).
//
// scripts/check-regex.allow.json may name a pattern that recheck flags but that only ever sees input
// bounded by an earlier length check: `[{ "pattern": "…", "flags": "", "bound": "where the length is checked" }]`.
// Every entry needs its `bound`; an entry that no longer matches any pattern fails the run (stale).
//
// `--self-test` runs this script on scripts/check-regex/fixtures and checks that the unsafe fixtures
// fail with file:line, pattern and attack, and that the safe one passes.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { checkSync } from "recheck";
import ts from "typescript";
import { ROOT } from "./lib.mjs";

/** Per pattern: recheck's budget in ms. A pattern it cannot decide within it is `unknown` and fails. */
const TIMEOUT_MS = 10_000;
const ALLOW_FILE = join(ROOT, "scripts", "check-regex.allow.json");
const FIXTURES = join(ROOT, "scripts", "check-regex", "fixtures");

/** The .ts files (no .d.ts) under `dir`, recursively. */
function tsFilesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** The default scope: `src/` of every Worker and package. */
function defaultFiles() {
  const files = [];
  for (const top of ["workers", "packages"]) {
    for (const name of readdirSync(join(ROOT, top))) {
      const src = join(ROOT, top, name, "src");
      if (existsSync(src)) files.push(...tsFilesUnder(src));
    }
  }
  return files;
}

/** The string value of `node` if it is a literal or a template over string constants of this file; else undefined. */
function stringValue(node, consts, seen = new Set()) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return stringValue(node.expression, consts, seen);
  if (ts.isTemplateExpression(node)) {
    let out = node.head.text;
    for (const span of node.templateSpans) {
      const part = stringValue(span.expression, consts, seen);
      if (part === undefined) return undefined;
      out += part + span.literal.text;
    }
    return out;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = stringValue(node.left, consts, seen);
    const right = left === undefined ? undefined : stringValue(node.right, consts, seen);
    return right === undefined ? undefined : left + right;
  }
  if (ts.isIdentifier(node) && consts.has(node.text) && !seen.has(node.text)) {
    return stringValue(consts.get(node.text), consts, new Set([...seen, node.text]));
  }
  return undefined;
}

/** Every regex of one source file: `{ line, source, flags }`, plus the `RegExp(…)` calls it could not read. */
export function regexesOf(file, text = readFileSync(file, "utf8")) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const consts = new Map();
  const found = [];
  const dynamic = [];
  const lineOf = (node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const collect = (node) => {
    if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Const) {
      for (const d of node.declarations) if (ts.isIdentifier(d.name) && d.initializer) consts.set(d.name.text, d.initializer);
    }
    ts.forEachChild(node, collect);
  };
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.text;
      const end = literal.lastIndexOf("/");
      found.push({ line: lineOf(node), source: literal.slice(1, end), flags: literal.slice(end + 1) });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "RegExp" &&
      node.arguments?.length
    ) {
      const [patternArg, flagsArg] = node.arguments;
      const source = stringValue(patternArg, consts);
      const flags = flagsArg === undefined ? "" : stringValue(flagsArg, consts);
      if (source === undefined || flags === undefined) dynamic.push({ line: lineOf(node), text: node.getText(sf).slice(0, 120) });
      else found.push({ line: lineOf(node), source, flags });
    }
    ts.forEachChild(node, visit);
  };
  collect(sf);
  visit(sf);
  return { found, dynamic };
}

/** recheck's verdict on one pattern (cached: the same pattern in many files is checked once). */
const verdicts = new Map();
function verdictOf(source, flags) {
  const key = `/${source}/${flags}`;
  if (!verdicts.has(key)) {
    let diagnostics;
    try {
      diagnostics = checkSync(source, flags, { timeout: TIMEOUT_MS, randomSeed: 1 });
    } catch (error) {
      diagnostics = { status: "unknown", error: { kind: "exception", message: String(error) } };
    }
    verdicts.set(key, diagnostics);
  }
  return verdicts.get(key);
}

/** One line for a flagged pattern: where, what, why, and a string that makes it slow. */
function describe(file, hit, d) {
  const where = `${relative(ROOT, file)}:${hit.line}`;
  const why =
    d.status === "vulnerable"
      ? `vulnerable (${d.complexity?.summary ?? "super-linear"})`
      : `${d.status} (${d.error?.kind ?? "?"}${d.error?.message ? `: ${d.error.message}` : ""})`;
  const attack = d.attack
    ? `\n    attack: ${d.attack.pattern} = ${JSON.stringify(d.attack.string.slice(0, 40))}${d.attack.string.length > 40 ? `… (${d.attack.string.length} chars)` : ""}`
    : "";
  return `${where}  /${hit.source}/${hit.flags}  ${why}${attack}`;
}

function readAllowList() {
  if (!existsSync(ALLOW_FILE)) return [];
  const entries = JSON.parse(readFileSync(ALLOW_FILE, "utf8"));
  for (const e of entries) {
    if (typeof e.pattern !== "string" || typeof e.bound !== "string" || e.bound.trim() === "") {
      throw new Error(`${relative(ROOT, ALLOW_FILE)}: every entry needs "pattern" and "bound" (where the length is checked first)`);
    }
  }
  return entries;
}

function selfTest() {
  const run = spawnSync(process.execPath, [join(ROOT, "scripts", "check-regex.mjs"), FIXTURES], { encoding: "utf8" });
  const out = `${run.stdout}${run.stderr}`;
  const expect = [
    [run.status === 1, `exit code 1 on the unsafe fixtures (got ${run.status})`],
    [/unsafe\.ts:\d+ {2}\/\^\(a\+\)\+\$\/ {2}vulnerable \(exponential\)/.test(out), "the nested quantifier, exponential, with file:line"],
    [
      /unsafe\.ts:\d+ {2}\/\^\[\^x\]\*\[\^ x\]\[\^x\]\*\$\/ {2}vulnerable \(2nd degree polynomial\)/.test(out),
      "the resolved template, quadratic",
    ],
    [/unsafe\.ts:\d+ {2}\/\^\(\\w\|\\d\)\*\$\/ {2}vulnerable/.test(out), "a new RegExp with a plain string"],
    [/attack: /.test(out), "an attack string"],
    [!/safe\.ts:/.test(out.replaceAll("unsafe.ts:", "")), "nothing from the safe fixture"],
    [/not checked.*dynamic\.ts:\d+/s.test(out), "the dynamic RegExp listed as not checked"],
  ];
  const failed = expect.filter(([ok]) => !ok).map(([, what]) => what);
  if (failed.length) {
    console.error(`check-regex --self-test failed:\n- ${failed.join("\n- ")}\n--- output ---\n${out}`);
    process.exit(1);
  }
  const clean = spawnSync(process.execPath, [join(ROOT, "scripts", "check-regex.mjs"), join(FIXTURES, "safe.ts")], { encoding: "utf8" });
  if (clean.status !== 0) {
    console.error(`check-regex --self-test: the safe fixture failed:\n${clean.stdout}${clean.stderr}`);
    process.exit(1);
  }
  console.log("check-regex --self-test: ok (unsafe fixtures flagged, safe fixture passes)");
}

function main(args) {
  const started = Date.now();
  const explicit = args.length > 0;
  const files = explicit
    ? args.flatMap((p) => (statSync(resolve(p)).isDirectory() ? tsFilesUnder(resolve(p)) : [resolve(p)]))
    : defaultFiles();
  const allow = explicit ? [] : readAllowList();
  const used = new Set();
  const problems = [];
  const unchecked = [];
  let count = 0;
  for (const file of files.sort()) {
    const { found, dynamic } = regexesOf(file);
    for (const d of dynamic) unchecked.push(`${relative(ROOT, file)}:${d.line}  ${d.text}`);
    for (const hit of found) {
      count++;
      const d = verdictOf(hit.source, hit.flags);
      if (d.status === "safe") continue;
      const allowed = allow.findIndex((e) => e.pattern === hit.source && (e.flags ?? "") === hit.flags);
      if (allowed >= 0) {
        used.add(allowed);
        continue;
      }
      problems.push(describe(file, hit, d));
    }
  }
  allow.forEach((e, i) => {
    if (!used.has(i))
      problems.push(`${relative(ROOT, ALLOW_FILE)}: /${e.pattern}/${e.flags ?? ""} is allowed but no longer found (remove it)`);
  });
  const took = `${count} regexes (${verdicts.size} distinct) in ${files.length} files, ${Date.now() - started} ms`;
  if (unchecked.length) console.log(`check-regex: not checked (pattern not a literal):\n  ${unchecked.join("\n  ")}`);
  if (problems.length) {
    console.error(
      `check-regex: ${problems.length} regex(es) are not linear (ReDoS); check the length first or rewrite:\n${problems.join("\n")}`,
    );
    console.error(`check-regex: ${took}`);
    process.exit(1);
  }
  console.log(`check-regex: ${took}, all safe`);
}

const args = process.argv.slice(2);
if (args.includes("--self-test")) selfTest();
else main(args);
