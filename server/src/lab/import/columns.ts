// Which column of a lab file holds which field: named in the mapping, or recognised by its header
// (the template's names, and the usual German and Chinese ones). A header may carry the unit of its
// values in brackets, "Wert [µg/L]", which then serves rows without a unit of their own.
import { LAB_FIELDS, LAB_FILE_COLUMNS_PATH, LAB_TEMPLATE_HEADERS, type LabField, type LabMapping } from "../../../../common/lab.ts";
import { canonicalUnit } from "../../../../common/units.ts";
import { ValidationError } from "../../errors.ts";
import { cellText, type Cell } from "./numbers.ts";

/** The template's header for each field (common/lab.ts), re-exported for the import modules. */
export const TEMPLATE_HEADERS = LAB_TEMPLATE_HEADERS;

/** Headers recognised without a mapping (compared without case, spaces and punctuation). */
const ALIASES: Readonly<Record<LabField, readonly string[]>> = {
  station: ["station", "station id", "site", "messstelle", "messstellen nr", "messstellennummer", "probenahmestelle", "站点", "监测站点", "断面", "采样点"],
  sampleId: ["sample id", "sample", "sample no", "lab sample id", "proben nr", "probennummer", "probe", "labornummer", "样品编号", "样品号"],
  kind: ["sample type", "type", "sampling type", "probenart", "probentyp", "art der probenahme", "采样类型", "样品类型"],
  start: ["sampling start", "start", "sampled at", "sampling time", "probenahme", "probenahmedatum", "probenahme beginn", "beginn", "采样时间", "采样开始", "采样开始时间"],
  end: ["sampling end", "end", "probenahme ende", "ende", "采样结束", "采样结束时间"],
  compound: ["compound", "parameter", "substance", "analyte", "stoff", "substanz", "化合物", "指标", "检测项目", "项目"],
  value: ["value", "result", "concentration", "wert", "messwert", "ergebnis", "konzentration", "结果", "检测结果", "浓度"],
  qualifier: ["qualifier", "operator", "kennung", "vorzeichen", "限定符"],
  loq: ["loq", "limit of quantification", "bg", "bestimmungsgrenze", "定量限"],
  unit: ["unit", "einheit", "单位"],
  uncertainty: ["uncertainty", "expanded uncertainty", "messunsicherheit", "unsicherheit", "不确定度", "扩展不确定度"],
  laboratory: ["laboratory", "lab", "labor", "实验室", "检测机构"],
  method: ["method", "methode", "verfahren", "analysenverfahren", "方法", "检测方法", "分析方法"],
  analysedAt: ["analysis date", "analysed", "analysed at", "analyzed at", "analysendatum", "analysedatum", "prüfdatum", "分析日期", "检测日期"],
  remarks: ["remarks", "remark", "comment", "comments", "bemerkung", "bemerkungen", "备注"],
  labFlag: ["lab flag", "flag", "kennzeichen", "标识"],
};

/** Fields every row needs a column for (laboratory and unit may come from the mapping's defaults instead). */
const REQUIRED: readonly LabField[] = ["station", "sampleId", "start", "compound", "value"];

/** A header without its bracketed unit, case, spaces and punctuation: "Proben-Nr." → "probennr". */
export function headerKey(header: string): string {
  return header
    .normalize("NFKC")
    .replace(/[[(（【][^\])）】]*[\])）】]\s*$/u, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/** The unit a header names in brackets at its end, "Wert [µg/L]" → "µg/L". */
export function headerUnit(header: string): string | undefined {
  const m = /[[(（【]\s*([^\])）】]+?)\s*[\])）】]\s*$/u.exec(header.normalize("NFKC"));
  return m ? canonicalUnit(m[1]!) : undefined;
}

const ALIAS_INDEX: ReadonlyMap<string, LabField> = new Map(
  LAB_FIELDS.flatMap((f) => [TEMPLATE_HEADERS[f], ...ALIASES[f]].map((a) => [headerKey(a), f] as const)),
);

export interface ColumnLayout {
  /** Column index of each field found. */
  index: Partial<Record<LabField, number>>;
  /** The file's header of each field found, for the report. */
  headers: Partial<Record<LabField, string>>;
  /** The unit the value column's header names, if any. */
  valueHeaderUnit: string | undefined;
  /** Headers no field uses. */
  ignored: string[];
}

/** Finds each field's column, or throws a ValidationError that lists what is missing and what the file has. */
export function resolveColumns(headerCells: readonly Cell[], mapping: LabMapping): ColumnLayout {
  const headers = headerCells.map(cellText);
  const keys = headers.map(headerKey);
  const index: Partial<Record<LabField, number>> = {};
  const problems: string[] = [];
  for (const field of LAB_FIELDS) {
    const named = mapping.columns[field];
    if (named === undefined) continue;
    const at = keys.indexOf(headerKey(named));
    if (at < 0) problems.push(`the mapping names column ${JSON.stringify(named)} for ${field}, but the file has no such column`);
    else index[field] = at;
  }
  const taken = new Set(Object.values(index));
  keys.forEach((key, at) => {
    const field = ALIAS_INDEX.get(key);
    if (field && index[field] === undefined && mapping.columns[field] === undefined && !taken.has(at)) {
      index[field] = at;
      taken.add(at);
    }
  });
  const missing = REQUIRED.filter((f) => index[f] === undefined);
  if (index.laboratory === undefined && mapping.defaults.laboratory === undefined) missing.push("laboratory");
  if (missing.length > 0) {
    problems.push(
      `no column for ${missing.join(", ")}: name the file's columns in the mapping (columns.${missing[0]} = "<header>")` +
        (missing.includes("laboratory") ? " or give defaults.laboratory" : "") +
        ` (see GET /api/v1/lab/template)`,
    );
  }
  if (problems.length > 0) {
    // The file's columns are details of their own too (path "file.columns"), so that a mapping editor can offer them.
    const fileColumns = headers.flatMap((h, index) => (h === "" ? [] : [{ path: LAB_FILE_COLUMNS_PATH, index, message: h }]));
    throw new ValidationError(`${problems.join("; ")}. The file's columns are: ${headers.filter((h) => h !== "").map((h) => JSON.stringify(h)).join(", ")}`, [
      ...problems.map((message) => ({ path: "mapping", message })),
      ...fileColumns,
    ]);
  }
  const found: Partial<Record<LabField, string>> = {};
  for (const [field, at] of Object.entries(index) as Array<[LabField, number]>) found[field] = headers[at]!;
  return {
    index,
    headers: found,
    valueHeaderUnit: headerUnit(headers[index.value!]!),
    ignored: headers.filter((h, at) => h !== "" && !taken.has(at)),
  };
}
