// Station write tokens: an ingest-only credential for one or more stations. The token is shown once
// at creation; the database keeps its SHA-256 (tokens are 192-bit random, so a fast hash suffices)
// and a short prefix for listing.
import type { StationId } from "../../../common/catalog.ts";
import type { CreatedStationToken, StationTokenInfo } from "../../../common/auth-types.ts";
import type { MetaDb } from "../meta/database.ts";
import { hashSecret, newSecret } from "./secret-token.ts";

import { ALL_STATIONS } from "../../../common/auth-types.ts";

export { ALL_STATIONS };
export type { CreatedStationToken, StationTokenInfo };

/** What a verified token may write. */
export interface StationGrant {
  tokenId: number;
  label: string;
  canWrite(station: StationId): boolean;
}

interface Row {
  id: number;
  prefix: string;
  label: string;
  stations: string;
  created_at: string;
  revoked_at: string | null;
}

export class StationTokenRepository {
  private readonly cache = new Map<string, StationGrant | null>();

  constructor(
    private readonly db: MetaDb,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create(label: string, stations: StationId[]): CreatedStationToken {
    const { token, prefix, hash } = newSecret("wmst");
    const createdAt = this.now().toISOString();
    const result = this.db
      .prepare("INSERT INTO station_tokens (prefix, token_hash, label, stations, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(prefix, hash, label, JSON.stringify(stations), createdAt);
    return { id: Number(result.lastInsertRowid), prefix, label, stations, createdAt, revokedAt: null, token };
  }

  list(): StationTokenInfo[] {
    const rows = this.db.prepare("SELECT * FROM station_tokens ORDER BY id").all() as Row[];
    return rows.map(toInfo);
  }

  revoke(id: number): boolean {
    const result = this.db
      .prepare("UPDATE station_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .run(this.now().toISOString(), id);
    this.cache.clear();
    return result.changes > 0;
  }

  /** The grant for a presented token, or undefined when unknown or revoked. Cached per token. */
  verify(token: string): StationGrant | undefined {
    const hash = hashSecret(token);
    let grant = this.cache.get(hash);
    if (grant === undefined) {
      const row = this.db
        .prepare("SELECT * FROM station_tokens WHERE token_hash = ? AND revoked_at IS NULL")
        .get(hash) as Row | undefined;
      grant = row ? toGrant(toInfo(row)) : null;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, grant);
    }
    return grant ?? undefined;
  }
}

function toInfo(row: Row): StationTokenInfo {
  return {
    id: row.id,
    prefix: row.prefix,
    label: row.label,
    stations: JSON.parse(row.stations) as StationId[],
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

function toGrant(info: StationTokenInfo): StationGrant {
  const all = info.stations.includes(ALL_STATIONS);
  const allowed = new Set(info.stations);
  return { tokenId: info.id, label: info.label, canWrite: (station) => all || allowed.has(station) };
}
