// Simulated lab results as a file in the lab template's format (GET /api/v1/lab/template): the
// template's headers, one row per sample and compound, times in the station's local time with their
// offset, "<" with the LOQ for results below it, the uncertainty as "20 %".
import { stringify } from "csv-stringify/sync";
import { DateTime } from "luxon";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { LAB_FIELDS, LAB_TEMPLATE_HEADERS, type LabField } from "../../../common/lab.ts";
import type { LabRow } from "./lab-samples.ts";

function localIso(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true, suppressSeconds: true })!;
}

export function labFileCsv(rows: readonly LabRow[], catalog: CatalogSnapshot): string {
  const zoneOf = (station: string) => catalog.station(station)?.timezone ?? "UTC";
  const records = rows.map((r) => {
    const zone = zoneOf(r.station);
    const cells: Record<LabField, string> = {
      station: r.station,
      sampleId: r.sampleId,
      kind: r.kind,
      start: localIso(r.start, zone),
      end: r.kind === "grab" ? "" : localIso(r.end, zone),
      compound: r.parameter,
      value: r.value === null ? "" : String(r.value),
      qualifier: r.value === null ? "<" : "",
      loq: String(r.loq),
      unit: r.unit,
      uncertainty: r.value === null ? "" : `${r.uncertaintyPercent} %`,
      laboratory: r.laboratory,
      method: r.method,
      analysedAt: DateTime.fromMillis(r.analysedAt, { zone }).toISODate()!,
      remarks: r.remarks ?? "",
      labFlag: "",
    };
    return LAB_FIELDS.map((f) => cells[f]);
  });
  return stringify([LAB_FIELDS.map((f) => LAB_TEMPLATE_HEADERS[f]), ...records], { record_delimiter: "windows" });
}
