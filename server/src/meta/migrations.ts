// Versioned schema of the metadata database. Append new migrations; never edit a released one.
export const MIGRATIONS: readonly string[] = [
  // 1: station write tokens, stored as SHA-256 of the (high-entropy) token; only the prefix is shown.
  `CREATE TABLE station_tokens (
     id INTEGER PRIMARY KEY,
     prefix TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     label TEXT NOT NULL,
     stations TEXT NOT NULL, -- JSON array of station ids, or ["*"] for every station
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );`,
  // 2: users, sessions, personal API tokens, settings and the audit log of admin actions.
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'researcher', 'admin')),
     created_at TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0,
     failed_logins INTEGER NOT NULL DEFAULT 0,
     locked_until TEXT
   );
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX sessions_user ON sessions(user_id);
   CREATE TABLE api_tokens (
     id INTEGER PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     prefix TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     label TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'researcher', 'admin')),
     created_at TEXT NOT NULL,
     expires_at TEXT,
     revoked_at TEXT
   );
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT,
     details TEXT
   );`,
];
