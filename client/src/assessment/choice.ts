// What an assessment page shows — period, data basis and the options of the method — kept in its URL
// so that a view can be shared: #/assessment?year=2026&basis=both&period=range&from=2026-01-01
// &to=2026-07-01&approved=1&asOf=2026-11-01T00:00:00.000Z&mac=p90. Anything the URL gets wrong falls
// back to the default (a link never breaks the page). Pure.
import { DateTime } from "luxon";
import { ASSESSMENT_BASES, MAC_MODES } from "../../../common/assessment-api.ts";
import type { BasisChoice, MacMode } from "../../../common/assessment.ts";

/** A calendar year (default), the twelve months up to today, or a range of dates [from, to). */
export const PERIOD_KINDS = ["year", "rolling", "range"] as const;
export type PeriodChoiceKind = (typeof PERIOD_KINDS)[number];

export interface AssessmentChoice {
  year: number;
  basis: BasisChoice;
  period: PeriodChoiceKind;
  /** ISO dates of a range (local midnight at each station); `to` is exclusive. "" unless period is "range". */
  from: string;
  to: string;
  /** Only approved data count (data review). */
  approvedOnly: boolean;
  /** The data as they stood at this instant (epoch ms); null: now. */
  asOf: number | null;
  /** MAC-EQS against every value (default) or the 90th/95th percentile. */
  macMode: MacMode;
}

/** Years offered: this one and the nine before (the API assesses at most ten years at once). */
export const YEARS_OFFERED = 10;
/** The API's limit on a period (server/src/assessment/period.ts MAX_PERIOD_YEARS). */
export const MAX_RANGE_YEARS = 10;

const isoDate = (text: string | null): DateTime | null => {
  if (text === null || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const d = DateTime.fromISO(text, { zone: "UTC" });
  return d.isValid ? d : null;
};

/** Whether [from, to) is a range the API takes: two dates, the end after the start, at most ten years. */
export function validRange(from: string, to: string): boolean {
  const a = isoDate(from);
  const b = isoDate(to);
  return a !== null && b !== null && b > a && b <= a.plus({ years: MAX_RANGE_YEARS });
}

export function defaultChoice(now = Date.now()): AssessmentChoice {
  return { year: new Date(now).getFullYear(), basis: "both", period: "year", from: "", to: "", approvedOnly: false, asOf: null, macMode: "every-value" };
}

export function parseChoice(query: URLSearchParams, now = Date.now()): AssessmentChoice {
  const d = defaultChoice(now);
  const y = Number(query.get("year"));
  const from = query.get("from") ?? "";
  const to = query.get("to") ?? "";
  const asked = PERIOD_KINDS.find((k) => k === query.get("period")) ?? "year";
  const period = asked === "range" && !validRange(from, to) ? "year" : asked;
  const asOf = Date.parse(query.get("asOf") ?? "");
  return {
    year: Number.isInteger(y) && y >= 1970 && y <= d.year + 1 ? y : d.year,
    basis: ASSESSMENT_BASES.find((b) => b === query.get("basis")) ?? d.basis,
    period,
    from: period === "range" ? from : "",
    to: period === "range" ? to : "",
    approvedOnly: query.get("approved") === "1",
    // The API refuses an asOf in the future: such a link shows the data as they stand.
    asOf: Number.isFinite(asOf) && asOf <= now ? asOf : null,
    macMode: MAC_MODES.find((m) => m === query.get("mac")) ?? d.macMode,
  };
}

/** The URL query of a choice: only what differs from the defaults, besides year and basis. */
export function choiceQuery(c: AssessmentChoice): URLSearchParams {
  const q = new URLSearchParams({ year: String(c.year), basis: c.basis });
  if (c.period !== "year") q.set("period", c.period);
  if (c.period === "range") {
    q.set("from", c.from);
    q.set("to", c.to);
  }
  if (c.approvedOnly) q.set("approved", "1");
  if (c.asOf !== null) q.set("asOf", new Date(c.asOf).toISOString());
  if (c.macMode !== "every-value") q.set("mac", c.macMode);
  return q;
}

export function yearOptions(now = Date.now()): number[] {
  const current = new Date(now).getFullYear();
  return Array.from({ length: YEARS_OFFERED }, (_, i) => current - i);
}
