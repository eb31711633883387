// Station write tokens: an ingest-only credential for one or more stations. The token is shown once
// at creation; the database keeps its SHA-256 (tokens are 192-bit random, so a fast hash suffices)
// and a short prefix for listing. Verification is cached in memory, so ingest does not ask the
// database on every request. Another instance on the same database may revoke a token: a cached
// answer is asked again after REVALIDATE_MS, and kept while the database cannot answer (PostgreSQL
// down), so stations whose tokens were known keep sending meanwhile.
import type { Selectable } from "kysely";
import type { StationId } from "../../../common/catalog-model.ts";
import type { CreatedStationToken, StationTokenInfo } from "../../../common/auth-types.ts";
import type { MetaExecutor } from "../meta/store.ts";
import type { StationTokensTable } from "../meta/tables.ts";
import { hashSecret, newSecret } from "./secret-token.ts";
import { MetaUnavailableError } from "../errors.ts";

import { ALL_STATIONS } from "../../../common/auth-types.ts";

export { ALL_STATIONS };
export type { CreatedStationToken, StationTokenInfo };

/** What a verified token may write. */
export interface StationGrant {
  tokenId: number;
  label: string;
  canWrite(station: StationId): boolean;
}

export interface StationTokenRepository {
  create(label: string, stations: StationId[]): Promise<CreatedStationToken>;
  list(): Promise<StationTokenInfo[]>;
  /** Revokes an active token; false when there is none with that id. */
  revoke(id: number): Promise<boolean>;
  /** The grant for a presented token, or undefined when unknown or revoked. */
  verify(token: string): Promise<StationGrant | undefined>;
}

type Row = Selectable<StationTokensTable>;

const CACHE_MAX = 10_000;
/** A revocation made at another instance is followed within this time. */
export const REVALIDATE_MS = 30_000;

export class SqlStationTokenRepository implements StationTokenRepository {
  private readonly cache = new Map<string, { grant: StationGrant | null; at: number }>();
  /** Bumped once a revocation is stored: a lookup that started before then must not fill the cache. */
  private generation = 0;

  constructor(
    private readonly db: MetaExecutor,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(label: string, stations: StationId[]): Promise<CreatedStationToken> {
    const { token, prefix, hash } = newSecret("wmst");
    const createdAt = this.now().toISOString();
    const { id } = await this.db
      .insertInto("station_tokens")
      .values({ prefix, token_hash: hash, label, stations: JSON.stringify(stations), created_at: createdAt })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id, prefix, label, stations, createdAt, revokedAt: null, token };
  }

  async list(): Promise<StationTokenInfo[]> {
    return (await this.db.selectFrom("station_tokens").selectAll().orderBy("id").execute()).map(toInfo);
  }

  async revoke(id: number): Promise<boolean> {
    const result = await this.db
      .updateTable("station_tokens")
      .set({ revoked_at: this.now().toISOString() })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    this.generation++;
    this.cache.clear();
    return result.numUpdatedRows > 0n;
  }

  async verify(token: string): Promise<StationGrant | undefined> {
    const hash = hashSecret(token);
    const cached = this.cache.get(hash);
    const now = this.now().getTime();
    if (cached !== undefined && now - cached.at < REVALIDATE_MS) return cached.grant ?? undefined;
    const generation = this.generation;
    let row: Row | undefined;
    try {
      row = await this.db
        .selectFrom("station_tokens")
        .selectAll()
        .where("token_hash", "=", hash)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
    } catch (err) {
      if (err instanceof MetaUnavailableError && cached !== undefined) return cached.grant ?? undefined;
      throw err;
    }
    const grant = row ? toGrant(toInfo(row)) : null;
    if (generation === this.generation) {
      if (this.cache.size > CACHE_MAX) this.cache.clear();
      this.cache.set(hash, { grant, at: now });
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
