// "Does this station, parameter or sensor have data?": the question a catalog change asks before it
// removes or renames what stored readings name (change-rules.ts). Readings are asked in InfluxDB's
// series index (raw readings and both rollups, so data older than the raw retention still counts).
import { MEASUREMENT, TAG } from "../../../common/wire.ts";
import type { ReadingStore } from "../influx/store.ts";
import { ROLLUP_MEASUREMENT } from "../influx/schema.ts";
import type { DataKind } from "./change-rules.ts";

export interface DataPresence {
  /** Which of `keys` have data. Throws StorageUnavailableError when it cannot tell. */
  withData(kind: DataKind, keys: readonly string[]): Promise<Set<string>>;
}

const TAG_OF: Record<DataKind, string> = { stations: TAG.station, parameters: TAG.parameter, sensors: TAG.sensor };

/** Catalog ids are [A-Za-z0-9_-] already; escaped anyway, since this text becomes InfluxQL. */
const quote = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export class InfluxDataPresence implements DataPresence {
  constructor(private readonly store: Pick<ReadingStore, "queryValues">) {}

  async withData(kind: DataKind, keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (keys.length === 0) return found;
    const tag = TAG_OF[kind];
    const from = [MEASUREMENT, ROLLUP_MEASUREMENT.oneMinute, ROLLUP_MEASUREMENT.oneHour].map((m) => `"${m}"`).join(", ");
    // Asked in groups: one statement per key would be slow for an import that removes hundreds.
    for (let i = 0; i < keys.length; i += 100) {
      const group = keys.slice(i, i + 100);
      const where = group.map((k) => `"${tag}" = ${quote(k)}`).join(" OR ");
      const series = await this.store.queryValues(`SHOW TAG VALUES FROM ${from} WITH KEY = "${tag}" WHERE ${where}`);
      for (const s of series) for (const row of s.values) found.add(String(row[1]));
    }
    return found;
  }
}

/** Data in several stores (readings, later lab results): an entity has data when any store has. */
export function anyPresence(stores: readonly DataPresence[]): DataPresence {
  return {
    async withData(kind, keys) {
      const found = new Set<string>();
      for (const store of stores) for (const key of await store.withData(kind, keys)) found.add(key);
      return found;
    },
  };
}
