// Settings an admin changes at run time (stored in SQLite), as opposed to start-up configuration.
import type { RuntimeSettings } from "../../../common/auth-types.ts";
import type { MetaDb } from "../meta/database.ts";

export type { RuntimeSettings };

export class SettingsRepository {
  private cache: RuntimeSettings | undefined;

  constructor(
    private readonly db: MetaDb,
    private readonly defaults: RuntimeSettings,
  ) {}

  get(): RuntimeSettings {
    if (!this.cache) {
      const rows = this.db.prepare("SELECT key, value FROM settings").all() as Array<{ key: string; value: string }>;
      const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
      this.cache = { ...this.defaults, ...(stored as Partial<RuntimeSettings>) };
    }
    return this.cache;
  }

  update(changes: Partial<RuntimeSettings>): RuntimeSettings {
    const upsert = this.db.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    for (const [key, value] of Object.entries(changes)) if (value !== undefined) upsert.run(key, JSON.stringify(value));
    this.cache = undefined;
    return this.get();
  }
}
