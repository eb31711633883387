// Lab results are data too: a station with lab samples (in any of their revisions) or a parameter
// with lab results keeps its catalog id, like one with readings (catalog/change-rules.ts).
import type { DataKind } from "../catalog/change-rules.ts";
import type { DataPresence } from "../catalog/data-presence.ts";
import type { MetaExecutor } from "../meta/store.ts";

export class SqlLabDataPresence implements DataPresence {
  constructor(private readonly db: MetaExecutor) {}

  async withData(kind: DataKind, keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (keys.length === 0) return found;
    if (kind === "stations") {
      for (const table of ["lab_samples", "lab_sample_revisions"] as const) {
        const rows = await this.db.selectFrom(table).select("station").distinct().where("station", "in", [...keys]).execute();
        for (const r of rows) found.add(r.station);
      }
    } else if (kind === "parameters") {
      const rows = await this.db.selectFrom("lab_results").select("parameter").distinct().where("parameter", "in", [...keys]).execute();
      for (const r of rows) found.add(r.parameter);
    }
    // Lab results name no sensor.
    return found;
  }
}
