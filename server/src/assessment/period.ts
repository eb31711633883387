// Assessment periods and their day and month grid, in the station's time zone: a calendar year runs
// from local midnight on 1 January (Directive 2008/105/EC Annex I Part B speaks of "the year"; the
// station's year is the one its agency reports), days and months are local too, across daylight-
// saving changes (luxon).
import { DateTime } from "luxon";
import type { AssessmentPeriod, TimeSlice } from "../../../common/assessment.ts";
import { ValidationError } from "../errors.ts";

export type { AssessmentPeriod, PeriodKind, TimeSlice } from "../../../common/assessment.ts";

/** Longest period the engine assesses (issue #18: a period over 10 years is refused). */
export const MAX_PERIOD_YEARS = 10;

function checkZone(zone: string): void {
  if (!DateTime.now().setZone(zone).isValid) throw new ValidationError(`unknown time zone ${zone}`);
}

function checked(period: AssessmentPeriod): AssessmentPeriod {
  checkZone(period.zone);
  if (!Number.isFinite(period.from) || !Number.isFinite(period.to) || period.to <= period.from) {
    throw new ValidationError("an assessment period must end after it starts");
  }
  const limit = DateTime.fromMillis(period.from, { zone: period.zone }).plus({ years: MAX_PERIOD_YEARS });
  if (period.to > limit.toMillis()) throw new ValidationError(`an assessment period may span at most ${MAX_PERIOD_YEARS} years`);
  return period;
}

export function calendarYear(year: number, zone: string): AssessmentPeriod {
  checkZone(zone);
  if (!Number.isInteger(year) || year < 1900 || year > 9999) throw new ValidationError(`year ${year} is not a calendar year Water Monitor assesses`);
  const start = DateTime.fromObject({ year, month: 1, day: 1 }, { zone });
  return checked({ kind: "calendar-year", from: start.toMillis(), to: start.plus({ years: 1 }).toMillis(), zone, year });
}

/** The twelve months before `end` (exclusive), e.g. "the last 12 months" ending today at local midnight. */
export function rollingTwelveMonths(end: number, zone: string): AssessmentPeriod {
  checkZone(zone);
  const to = DateTime.fromMillis(end, { zone });
  return checked({ kind: "rolling-12-months", from: to.minus({ months: 12 }).toMillis(), to: end, zone, year: null });
}

export function periodRange(from: number, to: number, zone: string): AssessmentPeriod {
  return checked({ kind: "range", from, to, zone, year: null });
}

export interface PeriodGrid {
  period: AssessmentPeriod;
  /** Local days, the first and last cut to the period. */
  days: TimeSlice[];
  /** Month-long slices counted from the period's start (calendar months for a calendar year), the last cut to the period. */
  months: TimeSlice[];
}

const wholeMonth = (d: DateTime): boolean => d.day === 1 && d.hour === 0 && d.minute === 0 && d.second === 0 && d.millisecond === 0;

function buildGrid(period: AssessmentPeriod): PeriodGrid {
  const { from, to, zone } = period;
  const days: TimeSlice[] = [];
  let day = DateTime.fromMillis(from, { zone }).startOf("day");
  let start = from;
  while (start < to) {
    const next = day.plus({ days: 1 });
    const end = Math.min(next.toMillis(), to);
    days.push({ from: start, to: end, label: day.toFormat("yyyy-MM-dd") });
    day = next;
    start = end;
  }
  const months: TimeSlice[] = [];
  const first = DateTime.fromMillis(from, { zone });
  for (let k = 0, s = from; s < to; k++) {
    const sliceStart = first.plus({ months: k });
    const end = Math.min(first.plus({ months: k + 1 }).toMillis(), to);
    months.push({ from: s, to: end, label: sliceStart.toFormat(wholeMonth(sliceStart) ? "yyyy-MM" : "yyyy-MM-dd") });
    s = end;
  }
  return { period, days, months };
}

// A status table assesses hundreds of series over the same period: build each grid once.
const GRID_CACHE_SIZE = 32;
const gridCache = new Map<string, PeriodGrid>();

export function gridOf(period: AssessmentPeriod): PeriodGrid {
  const key = `${period.from}\t${period.to}\t${period.zone}`;
  const hit = gridCache.get(key);
  if (hit) return hit;
  const grid = buildGrid(period);
  if (gridCache.size >= GRID_CACHE_SIZE) gridCache.delete(gridCache.keys().next().value!);
  gridCache.set(key, grid);
  return grid;
}

/** Index of the slice containing `t`, or -1 (slices are sorted and contiguous). */
export function sliceIndex(slices: readonly TimeSlice[], t: number): number {
  let lo = 0;
  let hi = slices.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = slices[mid]!;
    if (t < s.from) hi = mid - 1;
    else if (t >= s.to) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The slices cut to [from, to); slices outside it are dropped, labels kept. */
export function clipSlices(slices: readonly TimeSlice[], from: number, to: number): TimeSlice[] {
  const out: TimeSlice[] = [];
  for (const s of slices) {
    const a = Math.max(s.from, from);
    const b = Math.min(s.to, to);
    if (a < b) out.push(a === s.from && b === s.to ? s : { from: a, to: b, label: s.label });
  }
  return out;
}

/** Month slices grouped in threes from the period's start (quarters of a calendar year). */
export function quarterSlices(months: readonly TimeSlice[]): TimeSlice[] {
  const out: TimeSlice[] = [];
  for (let i = 0; i < months.length; i += 3) {
    const group = months.slice(i, i + 3);
    out.push({ from: group[0]!.from, to: group[group.length - 1]!.to, label: group[0]!.label });
  }
  return out;
}
