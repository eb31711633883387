// Which version of a standard assesses which part of a period. Standards carry a validity
// [validFrom, validTo) and keep their id across versions (common/catalog-model.ts), so a value that
// changes in the middle of a year gives two versions of one standard in that year. Two rules:
//
// - "split" (default): each version is assessed on the part of the period it was valid, with the
//   values of that part only. A per-value standard (MAC-EQS, max/min/range, GB 3838 classes per
//   value) is then judged exactly as the law stood when each value was taken; an AA-EQS mean covers
//   the version's part of the year and says so ("partial-validity"), and the WFD sampling check
//   applies to the months of that part.
// - "end-of-period": the version in force at the end of the period is applied to the whole period
//   (the way an annual report applies the standard in force when it is written); versions not in
//   force at the end are listed as superseded, not assessed.
//
// A date-only validity ("2026-01-01") starts at local midnight in the station's zone
// (common/standards.ts validitySpan, as everywhere standards are applied), so a standard that changes
// on 1 January splits a calendar year exactly at its start; an ISO instant is taken as written.
import type { QualityStandard } from "../../../common/catalog-model.ts";
import { validitySpan } from "../../../common/standards.ts";
import type { AssessmentPeriod } from "./period.ts";
import type { SupersededVersion, VersionRule } from "./types.ts";

export interface VersionWindow {
  standard: QualityStandard;
  from: number;
  to: number;
  /** The version was valid for only part of the period ("split"). */
  partial: boolean;
  /** The version was applied to time before or after its validity ("end-of-period"). */
  beyondValidity: boolean;
}

/** Versions of the standards that overlap the period, in the catalog's order. */
export function overlapping(standards: readonly QualityStandard[], period: AssessmentPeriod): QualityStandard[] {
  return standards.filter((s) => {
    const v = validitySpan(s, period.zone);
    return v.from < period.to && v.to > period.from;
  });
}

export function versionWindows(
  standards: readonly QualityStandard[],
  period: AssessmentPeriod,
  rule: VersionRule,
): { windows: VersionWindow[]; superseded: SupersededVersion[] } {
  const candidates = overlapping(standards, period);
  if (rule === "split") {
    const windows = candidates.map((standard) => {
      const v = validitySpan(standard, period.zone);
      const from = Math.max(period.from, v.from);
      const to = Math.min(period.to, v.to);
      return { standard, from, to, partial: from > period.from || to < period.to, beyondValidity: false };
    });
    return { windows, superseded: [] };
  }
  const last = period.to - 1;
  const windows: VersionWindow[] = [];
  const superseded: SupersededVersion[] = [];
  for (const standard of candidates) {
    const v = validitySpan(standard, period.zone);
    if (last >= v.from && last < v.to) {
      windows.push({ standard, from: period.from, to: period.to, partial: false, beyondValidity: v.from > period.from });
    } else {
      superseded.push({ standard, reason: "not-valid-at-period-end" });
    }
  }
  return { windows, superseded };
}
