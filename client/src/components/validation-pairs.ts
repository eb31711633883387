// Every pair of the sensor validation in a table (collapsed by default): the sample, its type and
// time, the lab result (or "< LOQ"), the sensor value with its readings and coverage, the
// differences, and why a pair is left out of the statistics.
import type { LabValidationResponse } from "../../../common/lab-validation.ts";
import { h } from "../dom.ts";
import { displayUnit, formatDateTime, formatNumber, type ConcentrationUnit } from "../format.ts";
import type { Language, MessageKey, Translate } from "../i18n/index.ts";
import { dataTable } from "./data-table.ts";
import { sampleKindName } from "./lab-text.ts";

export interface PairsContext {
  t: Translate;
  lang: Language;
  unit: ConcentrationUnit;
  zone: string | undefined;
}

export function validationPairsTable(body: LabValidationResponse, c: PairsContext): HTMLElement {
  const { t, lang } = c;
  const du = displayUnit(body.unit, c.unit);
  const q = (x: number | null) => (x === null ? "–" : formatNumber(x * du.factor, lang));
  const rows = body.validation.pairs.map((p) => ({
    attrs: { "data-sample": p.sampleId, "data-excluded": p.excluded ?? "" },
    cells: [
      p.sampleId,
      sampleKindName(p.kind, t),
      formatDateTime(p.time, lang, c.zone),
      p.labValue === null ? `< ${q(p.lab.limit)}` : q(p.labValue),
      p.sensor.value === null ? (p.sensor.reportedBelow && p.sensor.limit !== null ? `< ${q(p.sensor.limit)}` : "–") : q(p.sensor.value),
      `${p.sensor.nReadings} (${Math.round(p.sensor.coverage * 100)} %)`,
      q(p.difference),
      p.relativeDifferencePercent === null ? "–" : formatNumber(p.relativeDifferencePercent, lang),
      p.excluded === null ? "" : t(`validation.excluded.${p.excluded}` as MessageKey, { n: 1 }),
    ],
  }));
  return h(
    "details",
    { class: "validation-pairs" },
    h("summary", {}, t("validation.pairsTable", { n: rows.length })),
    dataTable(
      t("validation.pairsTable", { n: rows.length }),
      [
        t("validation.col.sample"),
        t("validation.col.kind"),
        t("validation.col.time"),
        t("validation.col.lab", { unit: du.unit }),
        t("validation.col.sensor", { unit: du.unit }),
        t("validation.col.readings"),
        t("validation.col.difference", { unit: du.unit }),
        t("validation.col.relative"),
        t("validation.col.excluded"),
      ],
      rows,
      "",
    ),
  );
}
