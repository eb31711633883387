// One row of a lab file → a sample and a result in catalog terms, or the reasons it is rejected.
// Pure: the catalog, the column layout, the mapping and "now" are given. Every problem of a row is
// reported at once, so a lab can fix its file in one go.
import type { Parameter } from "../../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import { BELOW_LOQ, type LabField, type LabMapping, type LabRejectedRow, type LabSampleInfo, type LabUncertainty, type SampleKind } from "../../../../common/lab.ts";
import { canonicalUnit, convertUnit, unitsConvert } from "../../../../common/units.ts";
import { dayAt, parseTimeCell } from "./dates.ts";
import type { ColumnLayout } from "./columns.ts";
import { cellNumber, cellText, isAmbiguousNumber, isBelowLoqQualifier, parseUncertaintyCell, parseValueCell, type Cell, type NumberFormat } from "./numbers.ts";
import type { TableRow } from "./table-reader.ts";
import { matchSampleKind, type StationMatcher } from "./vocabulary.ts";

/** A sample as a file describes it (before it has an id). */
export type LabSampleDraft = Omit<LabSampleInfo, "id">;

export interface LabResultDraft {
  parameter: string;
  /** In the parameter's unit; null below the LOQ. */
  value: number | null;
  qualifier: typeof BELOW_LOQ | null;
  loq: number | null;
  unit: string;
  uncertainty: LabUncertainty | null;
  reportedValue: number | null;
  reportedLoq: number | null;
  reportedUnit: string;
  analysedAt: number | null;
  labFlag: string | null;
}

export interface ParsedLabRow {
  line: number;
  sample: LabSampleDraft;
  result: LabResultDraft;
}

export interface RowContext {
  catalog: CatalogSnapshot;
  stations: StationMatcher;
  layout: ColumnLayout;
  mapping: LabMapping;
  numbers: NumberFormat;
  now: number;
}

interface Problem {
  field: LabField;
  reason: string;
  suggestions?: string[];
}

const LIMITS = { sampleId: 100, laboratory: 200, method: 500, remarks: 2_000, labFlag: 50 } as const;
const KIND_HELP = "grab, time-proportional composite or flow-proportional composite (Stichprobe, zeit- or durchflussproportionale Mischprobe; 瞬时水样, 时间比例混合水样, 流量比例混合水样)";
const shown = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
const iso = (ms: number) => new Date(ms).toISOString().replace(":00.000Z", "Z");

/** Parameters measured as a mass concentration, which cannot be negative. */
const isConcentration = (p: Parameter) => unitsConvert(p.unit, "ng/L");

export function parseLabRow(row: TableRow, ctx: RowContext): ParsedLabRow | LabRejectedRow {
  const problems: Problem[] = [];
  const cell = (field: LabField): Cell => {
    const at = ctx.layout.index[field];
    return at === undefined ? null : (row.cells[at] ?? null);
  };
  const textOf = (field: LabField, fallback?: string): string | null => {
    const t = cellText(cell(field));
    const value = t !== "" ? t : (fallback ?? null);
    const max = LIMITS[field as keyof typeof LIMITS] as number | undefined;
    if (value !== null && max !== undefined && value.length > max) {
      problems.push({ field, reason: `${field} is longer than ${max} characters` });
      return null;
    }
    return value;
  };
  const { defaults } = ctx.mapping;

  // Station, and with it the time zone of times written without an offset.
  const stationText = textOf("station");
  const station = stationText === null ? undefined : ctx.stations.match(stationText);
  if (stationText === null) problems.push({ field: "station", reason: "no station" });
  else if (!station) {
    const suggestions = ctx.stations.suggest(stationText);
    problems.push({ field: "station", reason: `unknown station ${shown(stationText)}; closest: ${suggestions.join(", ")}`, suggestions });
  }
  const zone = station?.timezone ?? "UTC";

  const sampleId = textOf("sampleId");
  if (sampleId === null && !problems.some((p) => p.field === "sampleId")) problems.push({ field: "sampleId", reason: "no sample id" });
  const laboratory = textOf("laboratory", defaults.laboratory);
  if (laboratory === null && !problems.some((p) => p.field === "laboratory")) problems.push({ field: "laboratory", reason: "no laboratory (give the column or defaults.laboratory)" });

  // Sample type and sampling period.
  const kindText = textOf("kind");
  let kind: SampleKind | undefined = kindText === null ? defaults.kind : matchSampleKind(kindText);
  if (kindText !== null && !kind) problems.push({ field: "kind", reason: `unknown sample type ${shown(kindText)}: use ${KIND_HELP}` });
  const startParsed = parseTimeCell(cell("start"), zone);
  const endCell = cell("end");
  const endParsed = endCell === null ? undefined : parseTimeCell(endCell, zone);
  if (!startParsed.ok) problems.push({ field: "start", reason: `sampling start: ${startParsed.reason}` });
  if (endParsed && !endParsed.ok) problems.push({ field: "end", reason: `sampling end: ${endParsed.reason}` });
  const start = startParsed.ok ? startParsed.ms : undefined;
  let end = endParsed?.ok ? endParsed.ms : undefined;
  if (kindText === null && !kind) {
    if (endCell === null) kind = "grab";
    else problems.push({ field: "kind", reason: `a sample with a sampling end needs its type: ${KIND_HELP}` });
  }
  if (start !== undefined && kind) {
    if (kind === "grab") {
      if (end !== undefined && end !== start) problems.push({ field: "end", reason: "a grab sample is taken at one instant: leave the sampling end empty or equal to the start" });
      end = start;
    } else if (endCell === null) problems.push({ field: "end", reason: `a ${kind} sample needs a sampling end` });
    else if (end !== undefined && end < start) problems.push({ field: "end", reason: `sampling end ${iso(end)} is before the start ${iso(start)}` });
    else if (end === start) problems.push({ field: "end", reason: `a ${kind} sample needs a sampling end after its start` });
  }
  for (const [field, t] of [["start", start], ["end", end]] as const) {
    if (t !== undefined && t > ctx.now && !(field === "end" && end === start)) {
      problems.push({ field, reason: `sampling ${field} ${iso(t)} is in the future: check the date and its time zone (${zone} unless the time has an offset)` });
    }
  }

  // Compound, unit, value or "<LOQ", uncertainty.
  const compoundText = textOf("compound");
  const parameter = compoundText === null ? undefined : ctx.catalog.matchParameter(compoundText);
  if (compoundText === null) problems.push({ field: "compound", reason: "no compound" });
  else if (!parameter) {
    const suggestions = ctx.catalog.suggestParameters(compoundText);
    problems.push({ field: "compound", reason: `unknown compound ${shown(compoundText)}; closest: ${suggestions.join(", ")}`, suggestions });
  }
  const unitText = textOf("unit") ?? ctx.layout.valueHeaderUnit ?? defaults.unit ?? null;
  const unit = unitText === null ? undefined : canonicalUnit(unitText);
  if (unitText === null) problems.push({ field: "unit", reason: "no unit: give it in the unit column, in the value column's header (\"value [µg/L]\") or as defaults.unit" });
  else if (!unit) problems.push({ field: "unit", reason: `unknown unit ${shown(unitText)}: use ng/L, µg/L or mg/L` });
  else if (parameter && !unitsConvert(unit, parameter.unit)) problems.push({ field: "unit", reason: `${unit} does not convert to ${parameter.code}'s unit ${parameter.unit}` });
  const convertible = unit !== undefined && parameter !== undefined && unitsConvert(unit, parameter.unit);

  const value = readValue(cell("value"), cell("qualifier"), cell("loq"), ctx.numbers, problems);
  if (value && parameter && value.value !== null && value.value < 0 && isConcentration(parameter)) {
    problems.push({ field: "value", reason: `negative concentration ${value.value}: a concentration cannot be below 0 (report "<" with the LOQ instead)` });
  }

  const uncertaintyCell = cell("uncertainty");
  let uncertainty: LabUncertainty | null = null;
  if (uncertaintyCell !== null) {
    const u = parseUncertaintyCell(uncertaintyCell, ctx.numbers, ctx.mapping.uncertainty);
    if (!u) problems.push({ field: "uncertainty", reason: `uncertainty ${shown(cellText(uncertaintyCell))} is not a number or a percentage ("15 %")` });
    else if (u.value <= 0) problems.push({ field: "uncertainty", reason: `uncertainty ${u.value} must be positive` });
    else if (u.kind === "relative") uncertainty = u;
    else if (convertible) uncertainty = { kind: "absolute", value: convertUnit(u.value, unit!, parameter!.unit)! };
  }

  // Analysis date, method, remarks, lab flag.
  const analysedCell = cell("analysedAt");
  let analysedAt: number | null = null;
  if (analysedCell !== null) {
    const a = parseTimeCell(analysedCell, zone);
    if (!a.ok) problems.push({ field: "analysedAt", reason: `analysis date: ${a.reason}` });
    else if (a.ms > ctx.now) problems.push({ field: "analysedAt", reason: `analysis date ${iso(a.ms)} is in the future` });
    else if (start !== undefined && dayAt(a.ms, zone) < dayAt(start, zone)) problems.push({ field: "analysedAt", reason: `analysed (${dayAt(a.ms, zone)}) before the sample was taken (${dayAt(start, zone)})` });
    else analysedAt = a.ms;
  }
  const method = textOf("method", defaults.method);
  const remarks = textOf("remarks");
  const labFlag = textOf("labFlag");

  if (problems.length > 0) {
    const suggestions = problems.flatMap((p) => p.suggestions ?? []);
    return { line: row.line, reason: problems.map((p) => p.reason).join("; "), field: problems[0]!.field, ...(suggestions.length ? { suggestions } : {}) };
  }
  const to = (v: number | null) => (v === null ? null : convertUnit(v, unit!, parameter!.unit)!);
  return {
    line: row.line,
    sample: { laboratory: laboratory!, sampleId: sampleId!, station: station!.id, kind: kind!, start: start!, end: end!, method, remarks },
    result: {
      parameter: parameter!.code,
      value: to(value!.value),
      qualifier: value!.qualifier,
      loq: to(value!.loq),
      unit: parameter!.unit,
      uncertainty,
      reportedValue: value!.value,
      reportedLoq: value!.loq,
      reportedUnit: unit!,
      analysedAt,
      labFlag,
    },
  };
}

interface ReadValue {
  value: number | null;
  qualifier: typeof BELOW_LOQ | null;
  loq: number | null;
}

/** The value, qualifier and LOQ cells together: a number, or "<LOQ" with its limit. */
function readValue(valueCell: Cell, qualifierCell: Cell, loqCell: Cell, numbers: NumberFormat, problems: Problem[]): ReadValue | undefined {
  const before = problems.length;
  const numberHelp = (text: string) =>
    isAmbiguousNumber(text)
      ? `${shown(text)} can be read two ways: write it without a thousands separator, with the decimal separator "${numbers.decimal}"`
      : `${shown(text)} is not a number (decimal separator "${numbers.decimal}")`;

  const qualifierText = cellText(qualifierCell);
  const qualifierSaysBelow = qualifierText !== "" && isBelowLoqQualifier(qualifierText);
  if (qualifierText !== "" && !qualifierSaysBelow) problems.push({ field: "qualifier", reason: `qualifier ${shown(qualifierText)} not understood: use "<" or "<LOQ" for a result below the LOQ, or leave it empty` });

  let loq: number | null = null;
  if (loqCell !== null) {
    const n = cellNumber(loqCell, numbers);
    if (n === undefined) problems.push({ field: "loq", reason: `LOQ ${numberHelp(cellText(loqCell))}` });
    else if (n <= 0) problems.push({ field: "loq", reason: `an LOQ of ${n} is not a limit of quantification: it must be positive` });
    else loq = n;
  }

  const parsed = valueCell === null ? undefined : parseValueCell(valueCell, numbers);
  if (valueCell !== null && !parsed) problems.push({ field: "value", reason: `value ${numberHelp(cellText(valueCell))}` });
  const below = qualifierSaysBelow || parsed?.below === true;
  if (below) {
    if (parsed && parsed.number <= 0) problems.push({ field: "value", reason: `an LOQ of ${parsed.number} is not a limit of quantification: it must be positive` });
    else if (parsed && loq !== null && parsed.number !== loq) problems.push({ field: "loq", reason: `the value says "<${parsed.number}" but the LOQ column says ${loq}` });
    const limit = loq ?? (parsed && parsed.number > 0 ? parsed.number : null);
    if (limit === null && problems.length === before) problems.push({ field: "loq", reason: "a result below the LOQ needs the LOQ (in the LOQ column, or as \"<0.05\" in the value column)" });
    return problems.length > before ? undefined : { value: null, qualifier: BELOW_LOQ, loq: limit };
  }
  if (valueCell === null && problems.length === before) problems.push({ field: "value", reason: "no value: give a number, or \"<\" with the LOQ" });
  return problems.length > before ? undefined : { value: parsed!.number, qualifier: null, loq };
}
