// Opens the readings store the configuration names and settles who builds the rollups, before the
// rollup scheduler starts (system.ts).
import type { Config } from "../config.ts";
import type { Logger } from "../../../common/logger.ts";
import type { RollupMode } from "./schema.ts";
import { InfluxReadingStore, type StorageStatus } from "./store.ts";

export interface OpenedStore {
  store: InfluxReadingStore;
  /** InfluxDB's answer at start. */
  initial: StorageStatus;
  /** Continuous queries or the rollup scheduler (INFLUX_ROLLUPS); for "auto" before InfluxDB answered, once it has. */
  rollupMode: RollupMode | Promise<RollupMode>;
}

export async function openReadingStore(config: Readonly<Config>, influxUrl: string, logger: Logger): Promise<OpenedStore> {
  const { database, rollups, writeConsistency } = config.influx;
  const store = new InfluxReadingStore({ url: influxUrl, database, logger, rollups, ...(writeConsistency && { writeConsistency }) });
  // InfluxDB may come up after us (restart order, a slow container): start anyway. Ingest keeps
  // readings in the journal and spool, health answers 503 naming host and port, and the database,
  // retention policies and continuous queries are set up as soon as InfluxDB answers (the storage
  // watch checks every STORAGE_WATCH_MS; every read and write tries first).
  const initial = await store.status(2_000);
  if (!initial.reachable) {
    logger.warn({ influx: store.where, reason: initial.error }, "starting without InfluxDB: readings go to the spool until it answers");
  }
  // "auto" asks the server: when it did not answer yet, the answer comes with the schema setup.
  const rollupMode = store.rollupMode ?? (rollups === "auto" ? store.whenReady().then(() => store.rollupMode!) : rollups);
  return { store, initial, rollupMode };
}
