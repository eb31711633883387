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
];
