// Instances that share their metadata (DATABASE_URL) must share their readings too: alerts, review
// records and lab data name readings in one InfluxDB database. The first instance records its
// INFLUX_DATABASE in the shared settings table; an instance configured with another one refuses to
// join (issue #21, "Bad input").
import type { Config } from "../config.ts";
import type { MetaStore } from "../meta/store.ts";

/** The settings row holding the INFLUX_DATABASE of the instances sharing this metadata database. */
export const INFLUX_DATABASE_SETTING = "cluster.influx_database";

export class InfluxDatabaseMismatchError extends Error {
  override readonly name = "InfluxDatabaseMismatchError";
  constructor(ours: string, theirs: string) {
    super(
      `INFLUX_DATABASE=${ours}, but the instances sharing this DATABASE_URL use the InfluxDB database ${theirs}. ` +
        `Set INFLUX_DATABASE=${theirs} on this instance. (To move every instance to another database, stop them all ` +
        `and delete the setting: DELETE FROM settings WHERE key = '${INFLUX_DATABASE_SETTING}'.)`,
    );
  }
}

/** Records INFLUX_DATABASE the first time; throws InfluxDatabaseMismatchError when another one is recorded. */
export async function joinInfluxDatabase(meta: MetaStore, config: Pick<Readonly<Config>, "databaseUrl" | "influx">): Promise<void> {
  // One process on its own SQLite file shares nothing: it may move to another database freely.
  if (!config.databaseUrl) return;
  const ours = config.influx.database;
  await meta.db
    .insertInto("settings")
    .values({ key: INFLUX_DATABASE_SETTING, value: JSON.stringify(ours) })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await meta.db.selectFrom("settings").select("value").where("key", "=", INFLUX_DATABASE_SETTING).executeTakeFirstOrThrow();
  const theirs = JSON.parse(row.value) as string;
  if (theirs !== ours) throw new InfluxDatabaseMismatchError(ours, theirs);
}
