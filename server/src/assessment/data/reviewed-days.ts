// Sensor daily means with the data review applied (issue #17 → #18 "approved only" and `asOf`). Pure.
//
// - Values: a day that a correction in force reaches is recomputed from its corrected readings
//   (review/corrected-reader.ts), under the same rule as InfluxDB's daily sums (daily-means.ts):
//   QC-passed readings only, censored ones at half their limit, a mean below the highest limit
//   "< limit" (Directive 2009/90/EC Art. 5). A day no correction reaches keeps InfluxDB's sums: the
//   corrected readings of such a day are the stored ones.
// - Approval: a daily mean is as reviewed as the least reviewed part of its day (the same rule as
//   any aggregate of reviewed data, common/review.ts lowerApproval). Only a wholly approved day is
//   "approved": a mean mixing approved and unapproved readings is not approved data.
import { DateTime } from "luxon";
import { lowerApproval, type ApprovalLevel } from "../../../../common/review.ts";
import { QC } from "../../../../common/reading.ts";
import { addValue, emptySums } from "../../../../common/statistics/censored-mean.ts";
import type { CorrectedPoint } from "../../review/correction-algebra.ts";
import { valuesIn, type Segment } from "../../review/timeline.ts";
import { dailyMeanOf } from "./daily-means.ts";
import type { SensorDailyMean } from "./data-source.ts";

export interface Span {
  from: number;
  to: number;
}

/** The local day of `zone` that holds `time`. */
export function dayOf(time: number, zone: string): Span {
  const start = DateTime.fromMillis(time, { zone }).startOf("day");
  return { from: start.toMillis(), to: start.plus({ days: 1 }).toMillis() };
}

/**
 * The local days within [from, to) that any of `ranges` reaches, by their start, in order. A
 * correction's end is taken as inclusive: recomputing one day too many changes nothing (its corrected
 * readings are its stored ones), missing one would keep a stale mean.
 */
export function touchedDays(ranges: readonly Span[], from: number, to: number, zone: string): number[] {
  const days = new Set<number>();
  for (const r of ranges) {
    const start = Math.max(r.from, from);
    const end = Math.min(r.to, to - 1);
    if (end < start) continue;
    for (let day = dayOf(start, zone); day.from <= end; day = dayOf(day.to, zone)) days.add(day.from);
  }
  return [...days].sort((a, b) => a - b);
}

/** Consecutive days (by start) joined into ranges [from, to), as the corrected reader wants them (sorted, disjoint). */
export function dayRanges(days: readonly number[], zone: string): Span[] {
  const out: Span[] = [];
  for (const start of days) {
    const day = dayOf(start, zone);
    const last = out[out.length - 1];
    if (last && last.to === day.from) last.to = day.to;
    else out.push(day);
  }
  return out;
}

/** The daily mean of one day's corrected readings (null: no QC-passed reading that day). */
export function dailyMeanOfPoints(points: readonly CorrectedPoint[], day: number, sensor: string): SensorDailyMean | null {
  const sums = emptySums();
  for (const p of points) if (p.qc === QC.pass) addValue(sums, p);
  return dailyMeanOf(sums, { time: day, sensor, n: sums.n, source: "raw" });
}

/** Each day's corrected readings (points in time order) as daily means, by day start; days without a QC-passed reading map to null. */
export function recomputedDays(points: readonly CorrectedPoint[], days: readonly number[], zone: string, sensor: string): Map<number, SensorDailyMean | null> {
  const byDay = new Map<number, CorrectedPoint[]>(days.map((d) => [d, []]));
  for (const p of points) byDay.get(dayOf(p.time, zone).from)?.push(p);
  return new Map([...byDay].map(([day, list]) => [day, dailyMeanOfPoints(list, day, sensor)]));
}

/** The lowest approval level in force over [from, to): parts no approval covers are "raw". */
export function approvalOver(approvals: readonly Segment<ApprovalLevel>[], span: Span): ApprovalLevel {
  return valuesIn(approvals, span.from, span.to, "raw").reduce<ApprovalLevel>(lowerApproval, "approved");
}

/**
 * A station × parameter's daily means with the review applied: the stored days, each replaced by its
 * recomputation where there is one (dropped where that found no passed reading), and every day given
 * the approval level of its sensor's series over the part of the day that was read ([from, to)).
 */
export function reviewedDays(
  stored: readonly SensorDailyMean[],
  recomputed: ReadonlyMap<number, SensorDailyMean | null>,
  approvalOf: (sensor: string, span: Span) => ApprovalLevel,
  read: Span,
  zone: string,
): SensorDailyMean[] {
  const out: SensorDailyMean[] = stored.filter((d) => !recomputed.has(d.time));
  for (const d of recomputed.values()) if (d !== null) out.push(d);
  out.sort((a, b) => a.time - b.time);
  return out.map((d) => {
    const day = dayOf(d.time, zone);
    return { ...d, approval: approvalOf(d.sensor, { from: Math.max(day.from, read.from), to: Math.min(day.to, read.to) }) };
  });
}
