// The assessment engine's public surface (issue #18): pure functions from values, standards and
// options to verdicts. The API, status page and printable report build on these.
export { ASSESSMENT_DEFAULTS, assessSeries } from "./assess.ts";
export { GB_CLASSES, classOf, exceedanceMultiple, gbClassRank, stationClass, worseClass, type StationClass } from "./gb3838.ts";
export { GRAMS_PER_DAY_PER_NG_L_M3_S, loadsOf, type DailyLoad, type DischargeValue, type LoadInput, type LoadResult } from "./loads.ts";
export { nearestRankPercentile, rankOrder } from "./percentile.ts";
export { MAX_PERIOD_YEARS, calendarYear, periodRange, rollingTwelveMonths, type AssessmentPeriod, type PeriodKind, type TimeSlice } from "./period.ts";
export { ASSESSMENT_RULES, type AssessmentRuleId } from "../../../common/assessment-rules.ts";
export { standardsForPeriod, type PeriodStandard } from "./standards-in-period.ts";
export { checkValue } from "./verdict-eu.ts";
export { validitySpan } from "../../../common/standards.ts";
export { lineUpYears, type YearCell, type YearOverYearRow } from "./year-over-year.ts";
export type * from "./types.ts";
