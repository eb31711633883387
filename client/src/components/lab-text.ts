// How lab results read on the dashboard: tooltip lines of a lab point, uncertainties, sample types,
// values or "< LOQ". Pure apart from Intl.
import type { LabResultInfo, SampleKind } from "../../../common/lab.ts";
import type { LabMark } from "../charts/lab-overlay.ts";
import { displayUnit, formatDateTime, formatNumber, type ConcentrationUnit } from "../format.ts";
import type { Language, MessageKey, Translate } from "../i18n/index.ts";

export interface LabTextContext {
  t: Translate;
  lang: Language;
  /** Display zone of times; undefined = the browser's. */
  zone: string | undefined;
  unit: ConcentrationUnit;
}

export function sampleKindName(kind: SampleKind, t: Translate): string {
  return t(`lab.kind.${kind}` as MessageKey);
}

/** "15 %" or "2 ng/L" (in the display unit), as the lab gave it; null without one. */
export function uncertaintyText(r: Pick<LabResultInfo, "uncertainty" | "unit">, c: LabTextContext): string | null {
  if (r.uncertainty === null) return null;
  if (r.uncertainty.kind === "relative") return `${formatNumber(r.uncertainty.value, c.lang)} %`;
  const du = displayUnit(r.unit, c.unit);
  return `${formatNumber(r.uncertainty.value * du.factor, c.lang)} ${du.unit}`;
}

/** "125 ng/L" or "< LOQ (1 ng/L)", in the display unit. */
export function labValueText(r: Pick<LabResultInfo, "value" | "loq" | "unit">, c: LabTextContext): string {
  const du = displayUnit(r.unit, c.unit);
  const q = (v: number) => `${formatNumber(v * du.factor, c.lang)} ${du.unit}`;
  if (r.value !== null) return q(r.value);
  return r.loq === null ? c.t("lab.value.belowLoqUnknown") : c.t("lab.value.belowLoq", { loq: q(r.loq) });
}

/** Tooltip lines of a lab point: sample and laboratory, method, value ± uncertainty or "< LOQ", sampling. */
export function labTooltip(mark: LabMark, displayedUnit: string, c: LabTextContext): string[] {
  const { t } = c;
  const q = (v: number) => `${formatNumber(v, c.lang)} ${displayedUnit}`;
  const value =
    mark.value === null
      ? mark.loq === null
        ? t("lab.value.belowLoqUnknown")
        : t("lab.value.belowLoq", { loq: q(mark.loq) })
      : mark.uncertainty === null
        ? q(mark.value)
        : t("lab.chart.valueWithUncertainty", { value: q(mark.value), uncertainty: q(mark.uncertainty), reported: mark.uncertaintyText ?? "" });
  const when =
    mark.kind === "grab"
      ? t("lab.chart.grabAt", { time: formatDateTime(mark.start, c.lang, c.zone) })
      : t("lab.chart.period", { kind: sampleKindName(mark.kind, t), from: formatDateTime(mark.start, c.lang, c.zone, false), to: formatDateTime(mark.end, c.lang, c.zone) });
  return [
    t("lab.chart.sample", { id: mark.sampleId, laboratory: mark.laboratory }),
    value,
    when,
    ...(mark.method ? [t("lab.chart.method", { method: mark.method })] : []),
    ...(mark.revision > 1 ? [t("lab.chart.revision", { n: mark.revision })] : []),
  ];
}
