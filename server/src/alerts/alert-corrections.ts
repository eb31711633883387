// Alerts and the corrections that removed their readings (data review, issue #17): a deletion over
// the time an alert started, on the alert's series, links the alert to it, in the transaction that
// records the deletion. The alert itself is not changed — corrected data never re-fires or rewrites
// past alerts — and its detail lists the link, so whoever reads it learns the spike was rejected.
import type { AlertCorrectionLink } from "../../../common/alerts.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";

export interface SeriesOfAlert {
  station: string;
  parameter: string;
  sensor: string;
  /** The sensor is the station's primary one: alerts recorded before alerts named their sensor judged it. */
  primary: boolean;
}

/** Links the series' alerts that started in [from, to) to the deletion; returns how many. */
export async function linkDeletion(trx: MetaTransaction, series: SeriesOfAlert, from: number, to: number, correctionId: number, at: number): Promise<number> {
  const alerts = await trx
    .selectFrom("alerts")
    .select("id")
    .where("station", "=", series.station)
    .where("parameter", "=", series.parameter)
    .where((eb) => (series.primary ? eb.or([eb("sensor", "=", series.sensor), eb("sensor", "is", null)]) : eb("sensor", "=", series.sensor)))
    .where("started_at", ">=", from)
    .where("started_at", "<", to)
    .execute();
  if (alerts.length === 0) return 0;
  await trx.insertInto("alert_corrections").values(alerts.map((a) => ({ alert_id: a.id, correction_id: correctionId, at }))).execute();
  return alerts.length;
}

/** The corrections linked to an alert, oldest first. */
export async function correctionsOfAlert(db: MetaExecutor, alertId: number): Promise<AlertCorrectionLink[]> {
  const rows = await db
    .selectFrom("alert_corrections as l")
    .innerJoin("review_corrections as c", "c.id", "l.correction_id")
    .leftJoin("review_undos as u", "u.correction_id", "c.id")
    .select(["c.id", "c.kind", "c.reason", "c.created_by", "c.created_at", "u.at as undone_at"])
    .where("l.alert_id", "=", alertId)
    .orderBy("c.id")
    .execute();
  return rows.map((r) => ({ correction: r.id, kind: r.kind, reason: r.reason, by: r.created_by, at: r.created_at, undone: r.undone_at !== null }));
}
