// Settings an admin changes at run time (stored in the metadata store), as opposed to start-up
// configuration. Read on every request (is the dashboard public?), so they are cached.
import type { RuntimeSettings } from "../../../common/auth-types.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";

export type { RuntimeSettings };

export interface SettingsRepository {
  /** This repository inside the caller's transaction (reads there, without the shared cache). */
  in(trx: MetaTransaction): SettingsRepository;
  get(): Promise<RuntimeSettings>;
  /** Stores the given settings (undefined ones stay as they are) and returns all of them. */
  update(changes: Partial<RuntimeSettings>): Promise<RuntimeSettings>;
}

export class SqlSettingsRepository implements SettingsRepository {
  private cache: RuntimeSettings | undefined;
  /** Bumped by every update: a read that started before one must not fill the cache. */
  private generation = 0;

  constructor(
    private readonly db: MetaExecutor,
    private readonly defaults: RuntimeSettings,
  ) {}

  in(trx: MetaTransaction): SettingsRepository {
    return new SqlSettingsRepository(trx, this.defaults);
  }

  async get(): Promise<RuntimeSettings> {
    if (this.cache) return this.cache;
    const generation = this.generation;
    const rows = await this.db.selectFrom("settings").select(["key", "value"]).execute();
    // The table also holds rows that are not admin settings (cluster/influx-database-claim.ts).
    const stored = Object.fromEntries(rows.filter((r) => r.key in this.defaults).map((r) => [r.key, JSON.parse(r.value) as unknown]));
    const settings = { ...this.defaults, ...(stored as Partial<RuntimeSettings>) };
    if (generation === this.generation) this.cache = settings;
    return settings;
  }

  async update(changes: Partial<RuntimeSettings>): Promise<RuntimeSettings> {
    const rows = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => ({ key, value: JSON.stringify(value) }));
    if (rows.length > 0) {
      await this.db
        .insertInto("settings")
        .values(rows)
        .onConflict((oc) => oc.column("key").doUpdateSet((eb) => ({ value: eb.ref("excluded.value") })))
        .execute();
    }
    this.generation++;
    this.cache = undefined;
    return this.get();
  }
}
