// Which lab changes the alert rules judge where (issue #21). One instance judges its own imports and
// undos as they happen. Several instances on one PostgreSQL run one alert engine, on the leader
// (cluster/leader-duties.ts): an import made at a standby must be judged there, once. So the leader
// reads the changes it has not judged from the shared lab_imports table — imports by id, undos by
// their time — on a poll, when an import is made at this instance, and when it becomes leader; what
// it has judged is kept in the shared settings table, so the next leader goes on from there.
import type { LabResultsChanged } from "../../../common/lab.ts";
import type { Logger } from "../../../common/logger.ts";
import type { Leadership } from "../cluster/leadership.ts";
import type { MetaExecutor } from "../meta/store.ts";
import type { Scheduler } from "../util/clock.ts";
import { SerialQueue } from "../util/serial-queue.ts";
import type { LabAlerts } from "./lab-alerts.ts";
import { affectedBy } from "./lab-undo.ts";
import { logFailedPass } from "../errors.ts";

/** Newest import id, and newest undo time, whose changes the leader has judged. */
export const JUDGED_IMPORT_SETTING = "lab_alerts.judged_import_id";
export const JUDGED_UNDO_SETTING = "lab_alerts.judged_undone_at";

/** How often the leader looks for lab changes made at other instances. */
export const LAB_CHANGES_POLL_MS = 2_000;

export interface LabAlertFeedDeps {
  labAlerts: Pick<LabAlerts, "changed" | "idle">;
  /** Lab changes made at this instance. */
  onLocalChange: (listener: (change: LabResultsChanged) => void) => () => void;
  leadership: Leadership;
  db: MetaExecutor;
  scheduler: Scheduler;
  logger: Logger;
}

export interface LabAlertFeed {
  /** Resolves once every lab change known here so far is judged and its alerts recorded. */
  idle(): Promise<void>;
  /** Stops feeding; resolves once a pass under way is done. */
  stop(): Promise<void>;
}

/** Starts feeding lab changes to the alert rules. */
export async function feedLabAlerts(deps: LabAlertFeedDeps): Promise<LabAlertFeed> {
  if (!deps.leadership.shared) {
    const stop = deps.onLocalChange((change) => deps.labAlerts.changed(change));
    return { idle: () => deps.labAlerts.idle(), stop: async () => stop() };
  }
  // Changes from before the first instance ever followed the table were judged where they were made.
  await initCursor(deps.db, JUDGED_IMPORT_SETTING, async () => (await deps.db.selectFrom("lab_imports").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst())?.id ?? 0);
  await initCursor(deps.db, JUDGED_UNDO_SETTING, async () => (await deps.db.selectFrom("lab_imports").select((eb) => eb.fn.max("undone_at").as("at")).executeTakeFirst())?.at ?? 0);
  const queue = new SerialQueue((err) => logFailedPass(deps.logger, err, "judging other instances' lab changes failed; retried on the next poll"));
  // One pass waiting at most: polls during a long pass (a large import judged) do not pile up.
  let waiting = false;
  const catchUp = () => {
    if (!deps.leadership.isLeader() || waiting) return;
    waiting = true;
    queue.push(() => {
      waiting = false;
      return judgeUnjudged(deps);
    });
  };
  const stops = [deps.scheduler.every(LAB_CHANGES_POLL_MS, catchUp), deps.onLocalChange(catchUp), deps.leadership.onChange((leader) => leader && catchUp())];
  catchUp();
  return {
    idle: async () => {
      await queue.idle();
      await deps.labAlerts.idle();
    },
    stop: async () => {
      stops.forEach((stop) => stop());
      await queue.idle();
    },
  };
}

async function initCursor(db: MetaExecutor, key: string, current: () => Promise<number | string | bigint>): Promise<void> {
  const value = JSON.stringify(Number(await current()));
  await db.insertInto("settings").values({ key, value }).onConflict((oc) => oc.column("key").doNothing()).execute();
}

async function readCursor(db: MetaExecutor, key: string): Promise<number> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  return row ? Number(JSON.parse(row.value)) : 0;
}

async function writeCursor(db: MetaExecutor, key: string, value: number): Promise<void> {
  await db.updateTable("settings").set({ value: JSON.stringify(value) }).where("key", "=", key).execute();
}

/** Judges, in order, the imports and undos made since the cursors, moving each cursor once judged. */
async function judgeUnjudged(deps: LabAlertFeedDeps): Promise<void> {
  const { db } = deps;
  const importedAfter = await readCursor(db, JUDGED_IMPORT_SETTING);
  const imports = await db.selectFrom("lab_imports").select("id").where("id", ">", importedAfter).orderBy("id").execute();
  for (const { id } of imports) {
    const change = await changeOf(db, Number(id), "applied");
    if (change) deps.labAlerts.changed(change);
    await deps.labAlerts.idle();
    await writeCursor(db, JUDGED_IMPORT_SETTING, Number(id));
  }
  const undoneAfter = await readCursor(db, JUDGED_UNDO_SETTING);
  const undos = await db.selectFrom("lab_imports").select(["id", "undone_at"]).where("undone_at", ">", undoneAfter).orderBy("undone_at").orderBy("id").execute();
  for (const undo of undos) {
    const change = await changeOf(db, Number(undo.id), "undone");
    if (change) deps.labAlerts.changed(change);
    await deps.labAlerts.idle();
    await writeCursor(db, JUDGED_UNDO_SETTING, Number(undo.undone_at));
  }
}

/** The change an import made (or its undo): the stations, parameters and sampling period of its results. */
async function changeOf(db: MetaExecutor, importId: number, action: LabResultsChanged["action"]): Promise<LabResultsChanged | null> {
  const results = await db
    .selectFrom("lab_result_revisions as rev")
    .innerJoin("lab_results as r", "r.id", "rev.result_id")
    .select(["r.sample_id", "r.parameter"])
    .where("rev.import_id", "=", importId)
    .where("rev.action", "=", "import")
    .execute();
  const affected = await affectedBy(db, results.map((r) => Number(r.sample_id)), results.map((r) => r.parameter));
  return affected ? { importId, action, ...affected } : null;
}
