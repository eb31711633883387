// The standards to assess a station × parameter with over a period, from a catalog snapshot: every
// version that overlaps the period (history included), with whether its scope covers the station.
// Standards outside their scope are reference lines (common/standards.ts), not verdicts; the caller
// decides whether to show them.
import type { ParameterCode, QualityStandard, StationId } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { scopeCovers } from "../../../common/standards.ts";
import type { AssessmentPeriod } from "./period.ts";
import { overlapping } from "./versions.ts";

export interface PeriodStandard {
  standard: QualityStandard;
  applicable: boolean;
}

export function standardsForPeriod(catalog: CatalogSnapshot, station: StationId, parameter: ParameterCode, period: AssessmentPeriod): PeriodStandard[] {
  const s = catalog.station(station);
  if (!s) return [];
  const region = catalog.region(s.region);
  return overlapping(catalog.standardsOf(parameter), period).map((standard) => ({ standard, applicable: scopeCovers(standard.scope, s, region) }));
}
