// The lab results template (GET /api/v1/lab/template): a CSV whose comment lines explain every
// column, list the stations with their time zones and the compounds, and show example rows (as
// comments below the header, so an unchanged template imports nothing). UTF-8 with a byte order mark, which
// spreadsheet programs need to show "µg/L" correctly.
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import { LAB_FIELDS } from "../../../../common/lab.ts";
import { TEMPLATE_HEADERS } from "./columns.ts";

const EXPLAIN: Readonly<Record<(typeof LAB_FIELDS)[number], string>> = {
  station: "station id or name (see the list below)",
  sampleId: "the laboratory's sample id; rows with the same laboratory and sample id are one sample",
  kind: "grab | time-proportional composite | flow-proportional composite (German and Chinese names are understood too)",
  start: "sampling start (a grab sample's time)",
  end: "sampling end of a composite sample; empty for a grab sample",
  compound: "parameter code, name in English/German/Chinese, CAS number or synonym (see the list below)",
  value: "the result; may be written \"<0.05\" for a result below the LOQ of 0.05",
  qualifier: "\"<\" (or \"<LOQ\", \"< BG\") when the result is below the LOQ, else empty",
  loq: "limit of quantification, in the row's unit (required with \"<\"; must be above 0)",
  unit: "ng/L, µg/L or mg/L; converted to the compound's unit (may also be given in the value header, \"value [µg/L]\")",
  uncertainty: "expanded measurement uncertainty (k = 2): \"15 %\" (relative) or an absolute value in the row's unit",
  laboratory: "the analysing laboratory (or give it once in the mapping's defaults)",
  method: "analytical method, e.g. \"LC-MS/MS, DIN 38407-47\"",
  analysedAt: "analysis date (optional)",
  remarks: "remarks on the sample (optional)",
  labFlag: "the laboratory's flag on the result (optional)",
};

export type TemplateDelimiter = "," | ";";

const quote = (cell: string, d: TemplateDelimiter) => (cell.includes(d) || cell.includes('"') ? `"${cell.replace(/"/g, '""')}"` : cell);

export function labTemplate(catalog: CatalogSnapshot, delimiter: TemplateDelimiter = ","): string {
  const decimal = delimiter === ";" ? "," : ".";
  const num = (n: string) => n.replace(".", decimal);
  const row = (cells: string[]) => cells.map((c) => quote(c, delimiter)).join(delimiter);
  const lines = [
    "# Water Monitor lab results: one row per sample and compound. Lines starting with # are comments.",
    `# Separator "${delimiter}", decimal ${decimal === "," ? "comma" : "point"}; files with ";" and a decimal comma (German) or "," and a decimal point both import.`,
    "# Encoding: UTF-8 (with or without byte order mark) or GB 18030.",
    "# Times: ISO 8601 (2026-03-04T08:00 or with an offset, 2026-03-04T08:00+01:00), DD.MM.YYYY HH:mm or YYYY/MM/DD HH:mm.",
    "#   A time WITHOUT an offset is the station's local time (its time zone is listed below), daylight saving time included.",
    "# Columns:",
    ...LAB_FIELDS.map((f) => `#   ${TEMPLATE_HEADERS[f]}: ${EXPLAIN[f]}`),
    "# Other column names (German, Chinese, a lab's own) can be mapped: see the mapping presets in the README.",
    `# Stations: ${catalog.stations.map((s) => `${s.id} (${s.timezone})`).join(", ")}`,
    `# Compounds: ${catalog.parameters.map((p) => `${p.code}${p.cas ? ` (CAS ${p.cas})` : ""}`).join(", ")}`,
    row(LAB_FIELDS.map((f) => TEMPLATE_HEADERS[f])),
    "# Examples below the header (remove the leading \"# \" to use one; replace them with your rows):",
    `# ${row(["DE-ELBE-ZEHREN", "ZE-2026-0412", "time-proportional composite", "2026-03-04T08:00", "2026-03-05T08:00", "carbamazepine", num("0.125"), "", num("0.01"), "µg/L", "15 %", "BfUL Labor", "LC-MS/MS, DIN 38407-47", "2026-03-10", "", ""])}`,
    `# ${row(["DE-ELBE-ZEHREN", "ZE-2026-0412", "time-proportional composite", "2026-03-04T08:00", "2026-03-05T08:00", "ethinylestradiol", "", "<", num("0.05"), "ng/L", "", "BfUL Labor", "LC-MS/MS, DIN 38407-47", "2026-03-10", "", ""])}`,
    `# ${row(["CN-JIALING-BEIBEI", "CQ-0315-07", "grab", "2026/03/15 09:30", "", "卡马西平", "35", "", "5", "ng/L", "20 %", "Chongqing University lab", "LC-MS/MS", "2026/03/18", "after rain", ""])}`,
  ];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
