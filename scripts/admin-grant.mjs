// `pnpm admin:grant`: grants, revokes and lists platform roles in the LOCAL accounts database (the one
// `pnpm dev` uses), for development: there is no admin yet to call the admin API with, or you want to
// make a test user `shop:admin` quickly. Production admins come from ADMIN_EMAILS and the admin API.
//   pnpm admin:grant <email> <role>             grant (e.g. ann@example.com shop:admin)
//   pnpm admin:grant --revoke <email> <role>    revoke (never the last platform:admin)
//   pnpm admin:grant --list [email]             every grant, or one user's
//   --persist-to DIR                            the local state directory (default .wrangler/state, as pnpm dev)
// The account must exist (register it first); its address need not be verified here (a warning says so),
// unlike the admin API. Tokens carry a new role from the user's next login or refresh. Each change is
// written to role_audit with actor "cli". Runs `wrangler d1 execute --local` (migrations applied first),
// which is safe while `pnpm dev` runs: D1's local store is SQLite, and the Worker sees the change at its
// next query.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, wrangler } from "./lib.mjs";

export const DATABASE = "edgeworks-accounts";
export const CONFIG = join(ROOT, "workers", "accounts", "wrangler.toml");
export const PLATFORM_ADMIN = "platform:admin";
const EMAIL_MAX = 254;
const ROLE_MAX = 65;
// the same rule as packages/auth's ROLE_PATTERN (length checked first; no nested quantifiers)
const ROLE_PATTERN = /^[a-z][a-z0-9-]{0,31}:[a-z][a-z0-9-]{0,31}$/;
// printable ASCII, no spaces: enough to find an account, and nothing a shell or SQL string can misread
const EMAIL_PATTERN = /^[!-~]{1,64}@[!-~]{1,189}$/;

export const USAGE = `usage: pnpm admin:grant [--persist-to DIR] <email> <role>
       pnpm admin:grant [--persist-to DIR] --revoke <email> <role>
       pnpm admin:grant [--persist-to DIR] --list [email]`;

/** A usage error: the message and the usage text, exit code 2. */
export class UsageError extends Error {}

/** The email as accounts stores it (trimmed, lower case), or a UsageError. */
export function normaliseEmail(raw) {
  const email = String(raw ?? "")
    .trim()
    .toLowerCase();
  if (email.length === 0 || email.length > EMAIL_MAX || !EMAIL_PATTERN.test(email)) throw new UsageError(`not an email address: ${raw}`);
  return email;
}

/** The role if it is `<product>:<role>` in lower case, else a UsageError. */
export function checkRole(raw) {
  const role = String(raw ?? "");
  if (role.length > ROLE_MAX || !ROLE_PATTERN.test(role)) {
    throw new UsageError(`not a role: ${raw} (expected <product>:<role> in lower case, e.g. shop:admin)`);
  }
  return role;
}

/**
 * The command line as `{ action: "grant"|"revoke"|"list", email?, role?, persistTo }`; throws a
 * UsageError for anything else.
 */
export function parseAdminArgs(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { revoke: { type: "boolean" }, list: { type: "boolean" }, "persist-to": { type: "string" }, help: { type: "boolean" } },
    });
  } catch (err) {
    throw new UsageError(err.message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError("");
  const persistTo = values["persist-to"] ?? join(ROOT, ".wrangler", "state");
  if (values.list) {
    if (values.revoke) throw new UsageError("--list and --revoke do not go together");
    if (positionals.length > 1) throw new UsageError("--list takes at most an email");
    return { action: "list", ...(positionals[0] ? { email: normaliseEmail(positionals[0]) } : {}), persistTo };
  }
  if (positionals.length !== 2) throw new UsageError("expected <email> <role>");
  return { action: values.revoke ? "revoke" : "grant", email: normaliseEmail(positionals[0]), role: checkRole(positionals[1]), persistTo };
}

/** A SQL string literal (quotes doubled); the values reaching it were validated above already. */
export const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

/** The account's id and verification for an email. */
export const findUserSql = (email) => `SELECT id, email, email_verified_at FROM users WHERE email = ${sqlString(email)}`;

/**
 * Grants a role (a role already held keeps its first grant) and audits it only when it was new, as
 * accounts does: one batch, the audit row conditional on `changes() = 1`.
 */
export function grantSql(userId, role, now, auditId = randomUUID()) {
  const [u, r] = [sqlString(userId), sqlString(role)];
  return [
    `INSERT INTO user_roles (user_id, role, granted_by, granted_at) VALUES (${u}, ${r}, 'cli', ${now}) ON CONFLICT DO NOTHING`,
    `INSERT INTO role_audit (id, user_id, role, action, actor, created_at) SELECT ${sqlString(auditId)}, ${u}, ${r}, 'grant', 'cli', ${now} WHERE changes() = 1`,
  ].join(";\n");
}

/** Revokes a role, never the last platform:admin; audited when it happened. */
export function revokeSql(userId, role, now, auditId = randomUUID()) {
  const [u, r] = [sqlString(userId), sqlString(role)];
  return [
    `DELETE FROM user_roles WHERE user_id = ${u} AND role = ${r} AND (role <> '${PLATFORM_ADMIN}' OR (SELECT count(*) FROM user_roles WHERE role = '${PLATFORM_ADMIN}') > 1)`,
    `INSERT INTO role_audit (id, user_id, role, action, actor, created_at) SELECT ${sqlString(auditId)}, ${u}, ${r}, 'revoke', 'cli', ${now} WHERE changes() = 1`,
  ].join(";\n");
}

/** Every grant, or one user's, with the email. */
export const listSql = (email) =>
  "SELECT u.email, r.role, r.granted_by, datetime(r.granted_at / 1000, 'unixepoch') AS granted_at FROM user_roles r JOIN users u ON u.id = r.user_id" +
  (email ? ` WHERE u.email = ${sqlString(email)}` : "") +
  " ORDER BY u.email, r.role";

/** Runs SQL against the local accounts database and returns the rows of the last statement. */
function execute(sql, persistTo) {
  const res = wrangler(["d1", "execute", DATABASE, "--local", "--persist-to", persistTo, "-c", CONFIG, "--json", "--command", sql], {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  const batches = JSON.parse(res.stdout);
  return batches.at(-1)?.results ?? [];
}

/** Does what the command line says; returns the lines to print. */
export function run(args, exec = execute, migrate = (persistTo) => applyMigrations(persistTo)) {
  migrate(args.persistTo);
  if (args.action === "list") {
    const rows = exec(listSql(args.email), args.persistTo);
    if (rows.length === 0) return [args.email ? `${args.email} holds no roles` : "nobody holds a role"];
    return rows.map((r) => `${r.email}\t${r.role}\t(granted by ${r.granted_by}, ${r.granted_at} UTC)`);
  }
  const [user] = exec(findUserSql(args.email), args.persistTo);
  if (!user) throw new Error(`no account with the email ${args.email} in ${args.persistTo}: register it first (POST /auth/v1/register)`);
  const lines = user.email_verified_at === null ? [`warning: ${args.email} is not verified (the admin API would refuse it)`] : [];
  const now = Date.now();
  if (args.action === "grant") {
    if (exec(listSql(args.email), args.persistTo).some((r) => r.role === args.role)) lines.push(`${args.email} already holds ${args.role}`);
    else exec(grantSql(user.id, args.role, now), args.persistTo);
  } else {
    const before = exec(listSql(args.email), args.persistTo).some((r) => r.role === args.role);
    if (!before) throw new Error(`${args.email} does not hold ${args.role}`);
    exec(revokeSql(user.id, args.role, now), args.persistTo);
    if (exec(listSql(args.email), args.persistTo).some((r) => r.role === args.role)) {
      throw new Error(`${args.role} was not revoked: ${args.email} is the last platform:admin`);
    }
  }
  const roles = exec(listSql(args.email), args.persistTo).map((r) => r.role);
  return [
    ...lines,
    `${args.email} (${user.id}) now holds: ${roles.length ? roles.join(", ") : "no roles"}`,
    "the user's next login or refresh carries it",
  ];
}

const applyMigrations = (persistTo) =>
  wrangler(["d1", "migrations", "apply", DATABASE, "--local", "--persist-to", persistTo, "-c", CONFIG], { stdio: "pipe" });

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    for (const line of run(parseAdminArgs(process.argv.slice(2)))) console.log(line);
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) console.error(err.message);
      console.error(USAGE);
      process.exit(2);
    }
    console.error(err.message);
    process.exit(1);
  }
}
