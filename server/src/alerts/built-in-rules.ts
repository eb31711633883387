// The alert rules a fresh installation starts with, made from the catalog (issue #13): for each
// station, one rule per quality standard that applies there (its scope covers the station) and
// raises alerts by its legal status (common/standards.ts ruleSeverity: critical only for a binding
// MAC-EQS, proposals and guidance inform, reference values and watch-list detection limits raise
// nothing). A GB 3838 class-limits standard becomes the limit of the station's target class. Plus
// one sensor-fault and one no-data rule for every station.
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { ruleSeverity, type EffectiveStandard } from "../../../common/standards.ts";
import { completeRule, ruleKindFor, type RuleDraft } from "./rule-schema.ts";

/** "Diclofenac AA-EQS (EU-EQS-2022) at Zehren (Elbe, below Dresden)"; names are English server-side. */
function ruleName(catalog: CatalogSnapshot, station: string, parameter: string, s: EffectiveStandard): string {
  const what = s.standard.kind === "class-limits" && s.targetClass !== null ? `class ${s.targetClass} ${s.limit?.kind}` : s.standard.kind;
  return `${catalog.parameterName(parameter)} ${what} (${s.standard.source}) at ${catalog.stationName(station)}`;
}

export function builtInRuleDrafts(catalog: CatalogSnapshot, now: number): RuleDraft[] {
  const drafts: RuleDraft[] = [];
  for (const station of catalog.stations) {
    // A retired station sends nothing more to alert on.
    if (station.status === "retired") continue;
    for (const parameter of catalog.parametersOf(station.id)) {
      for (const s of catalog.standardsAt(station.id, parameter.code, now)) {
        if (!s.applicable || s.limit === null) continue;
        const severity = ruleSeverity(s.standard.kind, s.standard.legalStatus);
        const kind = ruleKindFor(s.standard.kind, s.limit);
        if (severity === null || kind === undefined) continue;
        drafts.push(
          completeRule(
            { kind, station: station.id, parameter: parameter.code, standard: { id: s.standard.id }, severity, name: ruleName(catalog, station.id, parameter.code, s) },
            { catalog, now },
          ),
        );
      }
    }
  }
  drafts.push(completeRule({ kind: "sensor-fault", name: "Sensor fault (failed QC or flat line)" }, { catalog, now }));
  drafts.push(completeRule({ kind: "no-data", name: "Station offline (no readings for 1 h)" }, { catalog, now }));
  return drafts;
}
