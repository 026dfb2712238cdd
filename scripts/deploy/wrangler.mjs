// The side that talks to Cloudflare: reading the configs with wrangler's parser, running wrangler, and
// reading what its list commands print (JSON where it has it, the queues table and the R2 list otherwise).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { OFFLINE_ENV, ROOT, WRANGLER, workerConfigs } from "../lib.mjs";
import { requiredSecrets } from "./settings.mjs";

/** Rows of a `wrangler queues list` table (cli-table3 box drawing) as `{ name, id, consumers }`. */
export function parseQueuesTable(out) {
  const rows = out
    .split("\n")
    .filter((l) => l.trim().startsWith("│"))
    .map((l) =>
      l
        .trim()
        .replace(/^│|│$/g, "")
        .split("│")
        .map((c) => c.trim()),
    );
  const [head, ...body] = rows;
  if (!head) return [];
  const col = (name) => head.indexOf(name);
  return body.map((r) => ({ id: r[col("id")], name: r[col("name")], consumers: Number(r[col("consumers")] ?? 0) }));
}

/** Bucket names of `wrangler r2 bucket list` (`name:  <bucket>` lines). */
export function parseR2List(out) {
  return [...out.matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1]);
}

/** The repo's Workers: the front door (root wrangler.toml) first, then every workers/<name>/wrangler.toml. */
export async function readWorkers(root = ROOT) {
  const { experimental_readRawConfig } = await import("wrangler");
  const paths =
    root === ROOT
      ? workerConfigs().map((w) => w.config)
      : [
          join(root, "wrangler.toml"),
          ...readdirSync(join(root, "workers"))
            .filter((n) => n !== "edge" && existsSync(join(root, "workers", n, "wrangler.toml")))
            .sort()
            .map((n) => join(root, "workers", n, "wrangler.toml")),
        ];
  return paths.map((file, i) => ({
    configPath: relative(root, file),
    front: i === 0,
    text: readFileSync(file, "utf8"),
    config: experimental_readRawConfig({ config: file }).rawConfig,
  }));
}

/** Runs wrangler in `root` and returns its output; throws with wrangler's message (and `output`) on failure. */
export function wranglerRunner(root = ROOT) {
  return (args) => {
    const res = spawnSync(process.execPath, [WRANGLER, ...args], {
      cwd: root,
      env: { ...OFFLINE_ENV, CI: "true", NO_COLOR: "1" },
      encoding: "utf8",
    });
    const out = stripVTControlCharacters(`${res.stdout ?? ""}${res.stderr ?? ""}`);
    if (res.status !== 0) {
      const err = new Error(`wrangler ${args.slice(0, 3).join(" ")} failed:\n${out.trim().split("\n").slice(-6).join("\n")}`);
      err.output = out;
      throw err;
    }
    return res.stdout;
  };
}

/** The JSON a wrangler command printed (after any banner line). */
export const json = (out) => JSON.parse(out.slice(out.search(/[[{]/)));

/** What exists on the account, as `provisionPlan` takes it. */
export function listExisting(workers, settings, run) {
  const d1 = json(run(["d1", "list", "--json"])).map((d) => ({ name: d.name, uuid: d.uuid }));
  const kv = json(run(["kv", "namespace", "list"])).map((k) => ({ title: k.title, id: k.id }));
  const queues = [];
  for (let page = 1; page <= 50; page++) {
    const rows = parseQueuesTable(run(["queues", "list", "--page", String(page)])).filter((r) => !queues.some((q) => q.name === r.name));
    queues.push(...rows);
    if (rows.length === 0) break;
  }
  const r2 = parseR2List(run(["r2", "bucket", "list"]));
  const secrets = {};
  for (const w of workers) {
    if (requiredSecrets(w, settings).length === 0) continue;
    try {
      secrets[w.config.name] = json(run(["secret", "list", "--format", "json", "-c", w.configPath])).map((s) => s.name);
    } catch (err) {
      if (!/does not exist|not found|10007/i.test(err.output ?? "")) throw err;
      secrets[w.config.name] = []; // not deployed yet
    }
  }
  return { d1, kv, queues, r2, secrets };
}

/** The wrangler command that creates a resource of each kind. */
export const CREATE = {
  d1: (name) => ["d1", "create", name],
  kv: (name) => ["kv", "namespace", "create", name],
  queue: (name) => ["queues", "create", name],
  r2: (name) => ["r2", "bucket", "create", name],
};
