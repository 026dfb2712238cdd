// `node scripts/lint-openapi.mjs`: lints every product's OpenAPI document with Redocly's `recommended` rules
// (redocly.yaml at the root), offline, and fails on any error or warning. Part of `pnpm lint`.
// The documents are the committed ones in packages/client/openapi (the edge e2e proves they equal the live ones).
// Usage: node scripts/lint-openapi.mjs [name …]           committed documents (all, or these products)
//        node scripts/lint-openapi.mjs --live <worker> [--keep FILE]
//             starts that one Worker with wrangler dev on a free port, fetches its live <prefix>/openapi.json,
//             lints it (and writes it to FILE): for working on a document before `pnpm client:gen`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, OFFLINE_ENV, ROOT, spawnWrangler } from "./lib.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { live: { type: "string" }, keep: { type: "string" }, help: { type: "boolean" } },
});
if (values.help) {
  console.log(
    readFileSync(new URL(import.meta.url), "utf8")
      .split("\n")
      .slice(0, 7)
      .join("\n")
      .replaceAll("// ", ""),
  );
  process.exit(0);
}

const REDOCLY = join(ROOT, "node_modules", "@redocly", "cli", "bin", "cli.js");
const DOCS = join(ROOT, "packages", "client", "openapi");
const registry = JSON.parse(readFileSync(join(ROOT, "products.json"), "utf8"));

/** Runs `redocly lint` on the files; returns true when they have no error and no warning. */
function lint(files) {
  const res = spawnSync(process.execPath, [REDOCLY, "lint", "--config", join(ROOT, "redocly.yaml"), "--format", "stylish", ...files], {
    cwd: ROOT,
    // no telemetry, no update check: the machine has no network
    env: { ...OFFLINE_ENV, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    encoding: "utf8",
  });
  const out = `${res.stdout}${res.stderr}`
    .split("\n")
    // the box asking for Node.js 22 (Node 20 is this project's runtime) says nothing about the documents
    .filter((line) => !/[╔╚║]/.test(line))
    .join("\n");
  console.log(out.trim());
  const warned = /\d+ warnings?/.test(out) && !/0 warnings?\b/.test(out.match(/\d+ warnings?/g)?.at(-1) ?? "");
  return res.status === 0 && !warned && !/Validation failed|with \d+ warnings?/.test(out);
}

/** The live document of one Worker, from `wrangler dev` of its own wrangler.toml. */
async function liveDocument(worker) {
  const product = registry.products.find((p) => p.worker === worker);
  const prefix = product?.prefix ?? `/${worker}`;
  const [port, inspector] = [await freePort(), await freePort()];
  const state = mkdtempSync(join(tmpdir(), `lint-openapi-${worker}-`));
  const config = join(ROOT, "workers", worker, "wrangler.toml");
  const child = spawnWrangler(
    ["dev", "-c", config, "--port", String(port), "--inspector-port", String(inspector), "--persist-to", state, "--log-level", "warn"],
    { stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...OFFLINE_ENV, CI: "true" } },
  );
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${log}`);
      const res = await fetch(`http://127.0.0.1:${port}${prefix}/openapi.json`).catch(() => null);
      if (res?.ok) return await res.json();
      if (Date.now() > deadline) throw new Error(`${prefix}/openapi.json did not answer in 90 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    if (child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    rmSync(state, { recursive: true, force: true });
  }
}

/**
 * The checks that replace Redocly's operation-2xx-response and operation-4xx-response (see redocly.yaml), and
 * an operationId on every operation, camelCase: returns one line per finding.
 */
function ownChecks(file) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const findings = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ["get", "put", "post", "delete", "patch", "head", "options", "trace"]) {
      const op = item[method];
      if (!op) continue;
      const where = `${file}: ${method.toUpperCase()} ${path}`;
      const codes = Object.keys(op.responses ?? {});
      const success = codes.some((c) => /^2(\d\d|XX)$/.test(c) || /^3(\d\d|XX)$/.test(c) || (c === "101" && method === "get"));
      if (!success) findings.push(`${where}: no success response (2XX, 3XX, or 101 on a WebSocket GET)`);
      const security = op.security ?? doc.security ?? [];
      const takesInput = (op.parameters?.length ?? 0) > 0 || (item.parameters?.length ?? 0) > 0 || !!op.requestBody;
      const needsCredentials = security.length > 0 && security.some((s) => Object.keys(s).length > 0);
      if ((takesInput || needsCredentials) && !codes.some((c) => /^4(\d\d|XX)$/.test(c))) {
        findings.push(`${where}: takes input or credentials but documents no 4XX response`);
      }
      if (!op.operationId) findings.push(`${where}: no operationId (client generators and the typed clients name methods by it)`);
      else if (!/^[a-z][A-Za-z0-9]{0,79}$/.test(op.operationId)) {
        findings.push(`${where}: operationId ${JSON.stringify(op.operationId)} is not camelCase`);
      }
    }
  }
  return findings;
}

/** Redocly, then the checks of ownChecks, on every file. */
function lintAll(files) {
  const redocly = lint(files);
  const findings = files.flatMap(ownChecks);
  for (const f of findings) console.log(`  error  ${f}`);
  console.log(
    `lint-openapi: ${files.length} document(s): Redocly ${redocly ? "clean" : "NOT clean"}, ${findings.length} finding(s) of the own checks`,
  );
  return redocly && findings.length === 0;
}

let ok;
if (values.live) {
  const doc = await liveDocument(values.live);
  const file = values.keep ?? join(mkdtempSync(join(tmpdir(), "lint-openapi-")), `${values.live}.json`);
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`${values.live}: ${Object.keys(doc.paths ?? {}).length} paths, written to ${file}`);
  ok = lintAll([file]);
} else {
  const names = positionals.length
    ? positionals
    : readdirSync(DOCS)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5));
  ok = lintAll(names.sort().map((n) => join(DOCS, `${n}.json`)));
}
if (!ok) {
  console.error("lint-openapi: the documents above have errors or warnings (fix them, or turn a rule off in redocly.yaml saying why)");
  process.exit(1);
}
