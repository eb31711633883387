// The alert rules a fresh installation starts with, made from the catalog (issue #13): for each
// station, one rule per quality standard that applies there (its scope covers the station) and
// raises alerts by its legal status (common/standards.ts ruleSeverity: critical only for a binding
// MAC-EQS, proposals and guidance inform, reference values and watch-list detection limits raise
// nothing). A GB 3838 class-limits standard becomes the limit of the station's target class. An
// AA-EQS becomes an early warning on the rolling 30-day mean. A limit no value can breach — one
// beyond the expected range of every sensor there, where QC flags values suspect and alerts do not
// count them (the carbamazepine MAC-EQS of 1,600,000 ng/L against a range up to 5,000 ng/L) — is
// kept, but only informs and says why: nothing is marked critical that cannot fire. Plus one
// sensor-fault and one no-data rule for every station.
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { ruleSeverity, type EffectiveLimit, type EffectiveStandard } from "../../../common/standards.ts";
import type { BuiltInRule } from "./rule-repository.ts";
import { completeRule, ruleKindFor } from "./rule-schema.ts";

/** Which standard a built-in rule checks where: "station|parameter|standard id|rule kind". */
export function derivationKey(station: string, parameter: string, standardId: string, kind: string): string {
  return `${station}|${parameter}|${standardId}|${kind}`;
}

/** "Diclofenac AA-EQS (EU-EQS-2022) at Zehren (Elbe, below Dresden)"; names are English server-side. */
function ruleName(catalog: CatalogSnapshot, station: string, parameter: string, s: EffectiveStandard): string {
  const what =
    s.standard.kind === "class-limits" && s.targetClass !== null
      ? `class ${s.targetClass} ${s.limit?.kind}`
      : s.standard.kind === "AA-EQS"
        ? "rolling 30-day mean vs. annual standard AA-EQS"
        : s.standard.kind;
  return `${catalog.parameterName(parameter)} ${what} (${s.standard.source}) at ${catalog.stationName(station)}`;
}

/**
 * Whether a value beyond the limit can count at the station: some sensor installed there now has an
 * expected range reaching past it (QC flags values outside the expected range suspect, and alerts
 * leave suspect values out). Undefined when no sensor is installed (nothing to judge by).
 */
export function limitReachable(catalog: CatalogSnapshot, station: string, parameter: string, limit: EffectiveLimit, now: number): boolean | undefined {
  const sensors = catalog.sensorsAt(station, parameter, now);
  if (sensors.length === 0) return undefined;
  const above = (v: number) => sensors.some((s) => s.expectedRange[1] > v);
  const below = (v: number) => sensors.some((s) => s.expectedRange[0] < v);
  if (limit.kind === "max") return above(limit.value);
  if (limit.kind === "min") return below(limit.value);
  return above(limit.max) || below(limit.min);
}

/** One rule per standard in force at `now` that applies at each station and may raise an alert there. */
export function derivedRuleDrafts(catalog: CatalogSnapshot, now: number): Array<BuiltInRule & { derivedFrom: string }> {
  const drafts: Array<BuiltInRule & { derivedFrom: string }> = [];
  for (const station of catalog.stations) {
    // A retired station sends nothing more to alert on.
    if (station.status === "retired") continue;
    for (const parameter of catalog.parametersOf(station.id)) {
      for (const s of catalog.standardsAt(station.id, parameter.code, now)) {
        if (!s.applicable || s.limit === null) continue;
        const byStatus = ruleSeverity(s.standard.kind, s.standard.legalStatus);
        const kind = ruleKindFor(s.standard.kind, s.limit);
        if (byStatus === null || kind === undefined) continue;
        const reachable = limitReachable(catalog, station.id, parameter.code, s.limit, now) !== false;
        const severity = reachable ? byStatus : "info";
        const name = `${ruleName(catalog, station.id, parameter.code, s)}${reachable ? "" : " (cannot fire: beyond the expected range of the sensors there, whose values QC flags as suspect)"}`;
        drafts.push({
          draft: completeRule({ kind, station: station.id, parameter: parameter.code, standard: { id: s.standard.id }, severity, name }, { catalog, now }),
          derivedFrom: derivationKey(station.id, parameter.code, s.standard.id, kind),
        });
      }
    }
  }
  return drafts;
}

/** The rules a fresh installation starts with: the derived ones, and sensor-fault and no-data rules for every station. */
export function builtInRuleDrafts(catalog: CatalogSnapshot, now: number): BuiltInRule[] {
  return [
    ...derivedRuleDrafts(catalog, now),
    { draft: completeRule({ kind: "sensor-fault", name: "Sensor fault (failed QC or flat line)" }, { catalog, now }), derivedFrom: null },
    { draft: completeRule({ kind: "no-data", name: "Station offline (no readings for 1 h)" }, { catalog, now }), derivedFrom: null },
  ];
}
