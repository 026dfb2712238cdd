-- Platform roles (who a user is, e.g. `shop:admin`, `platform:admin`): granted and revoked through the
-- admin API (/auth/v1/admin/...), the first `platform:admin` from the ADMIN_EMAILS var once its address
-- is verified, or locally by `pnpm admin:grant`. Access tokens carry them in a `roles` claim, re-read
-- here at every login and refresh; API keys get them live when accounts verifies the key.
CREATE TABLE user_roles (
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  -- the granting admin's user id, "ADMIN_EMAILS" (bootstrap) or "cli" (pnpm admin:grant)
  granted_by TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, role)
) WITHOUT ROWID;
-- who holds a role, listed by user id (keyset pagination)
CREATE INDEX user_roles_role ON user_roles (role, user_id);

-- Every grant and revoke, kept: who did what to whom, when. Written in the same batch as the change,
-- and only when the change happened (a repeated grant or a refused revoke leaves no row).
CREATE TABLE role_audit (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('grant', 'revoke')),
  actor TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX role_audit_user_created ON role_audit (user_id, created_at);

-- Idempotency-Key of the admin mutations (packages/http's idempotency(), its IDEMPOTENCY_DDL).
CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
