// One lab file row → sample and result in catalog terms, or every reason it is rejected; then rows
// checked against each other and compared with the stored state (added, changed, unchanged).
import { describe, expect, it } from "vitest";
import type { LabRejectedRow } from "../../common/lab.ts";
import { labMappingSchema } from "../../common/lab-mapping.ts";
import { resolveColumns } from "../../server/src/lab/import/columns.ts";
import { checkWithinFile, planImport, sampleKey, type StoredSample } from "../../server/src/lab/import/plan.ts";
import { parseLabRow, type ParsedLabRow, type RowContext } from "../../server/src/lab/import/row-parser.ts";
import type { Cell } from "../../server/src/lab/import/numbers.ts";
import { StationMatcher } from "../../server/src/lab/import/vocabulary.ts";
import { validationLabResult } from "../../server/src/lab/validation-input.ts";
import { seed } from "../helpers/catalog.ts";

const catalog = seed;
const NOW = Date.parse("2026-06-01T00:00:00Z");
const HEADER = ["station", "sample_id", "sample_type", "sampling_start", "sampling_end", "compound", "value", "qualifier", "loq", "unit", "uncertainty", "laboratory", "analysis_date", "remarks"];

function context(mapping: object = {}, header = HEADER): RowContext {
  const m = labMappingSchema.parse(mapping);
  return { catalog, stations: new StationMatcher(catalog), layout: resolveColumns(header, m), mapping: m, numbers: { decimal: ",", lenient: true }, now: NOW };
}

type RowInput = Partial<Record<"station" | "id" | "type" | "start" | "end" | "compound" | "value" | "qualifier" | "loq" | "unit" | "u" | "lab" | "analysed" | "remarks", Cell>>;

function row(r: RowInput, line = 2): { line: number; cells: Cell[] } {
  const base: RowInput = { station: "DE-ELBE-ZEHREN", id: "ZE-1", type: "zeitproportionale Mischprobe", start: "04.03.2026 08:00", end: "05.03.2026 08:00", compound: "Carbamazepin", value: "0,125", unit: "µg/L", lab: "BfUL", ...r };
  const keys = ["station", "id", "type", "start", "end", "compound", "value", "qualifier", "loq", "unit", "u", "lab", "analysed", "remarks"] as const;
  return { line, cells: keys.map((k) => base[k] ?? null) };
}

const parse = (r: RowInput, ctx = context()) => parseLabRow(row(r), ctx);
const rejected = (r: RowInput, ctx = context()) => {
  const out = parse(r, ctx);
  if (!("reason" in out)) throw new Error(`expected a rejection, got ${JSON.stringify(out)}`);
  return out;
};

describe("parseLabRow", () => {
  it("turns a German row into a sample and a result in the parameter's unit", () => {
    expect(parse({ loq: "0,01", u: "15 %", analysed: "10.03.2026" })).toEqual({
      line: 2,
      sample: {
        laboratory: "BfUL",
        sampleId: "ZE-1",
        station: "DE-ELBE-ZEHREN",
        kind: "time-proportional composite",
        start: Date.parse("2026-03-04T07:00:00Z"),
        end: Date.parse("2026-03-05T07:00:00Z"),
        method: null,
        remarks: null,
      },
      result: {
        parameter: "carbamazepine",
        value: 125,
        qualifier: null,
        loq: 10,
        unit: "ng/L",
        uncertainty: { kind: "relative", value: 15 },
        reportedValue: 0.125,
        reportedLoq: 0.01,
        reportedUnit: "µg/L",
        analysedAt: Date.parse("2026-03-09T23:00:00Z"),
        labFlag: null,
      },
    });
  });

  it.each([
    [{ value: "<0,05" }, { value: null, qualifier: "<LOQ", loq: 50, reportedLoq: 0.05 }],
    [{ value: null, qualifier: "<", loq: "0,05" }, { value: null, qualifier: "<LOQ", loq: 50 }],
    [{ value: "0,05", qualifier: "< BG", loq: null }, { value: null, qualifier: "<LOQ", loq: 50 }],
    [{ compound: "298-46-4", unit: "ng/l", value: "132" }, { parameter: "carbamazepine", value: 132 }],
    [{ compound: "磺胺甲噁唑", unit: "mg/L", value: "0,0002" }, { parameter: "sulfamethoxazole", value: 200 }],
    [{ compound: "SMX", u: "0,02" }, { parameter: "sulfamethoxazole", uncertainty: { kind: "relative", value: 0.02 } }],
  ])("reads %j", (input, expected) => {
    const out = parse(input);
    expect("reason" in out ? out.reason : out.result).toMatchObject(expected);
  });

  it("reads an absolute uncertainty in the row's unit and converts it", () => {
    const out = parse({ u: "0,02" }, context({ uncertainty: "absolute" }));
    expect("result" in out && out.result.uncertainty).toEqual({ kind: "absolute", value: 20 });
  });

  it.each([
    ["Zehren", "DE-ELBE-ZEHREN"],
    ["策伦（易北河，德累斯顿下游）", "DE-ELBE-ZEHREN"],
    ["de-elbe-zehren", "DE-ELBE-ZEHREN"],
    ["Beibei", "CN-JIALING-BEIBEI"],
  ])("finds station %j", (station, id) => {
    const out = parse({ station });
    expect("sample" in out && out.sample.station).toBe(id);
  });

  it("takes a sample without type and end as a grab sample, at one instant", () => {
    const out = parse({ type: null, end: null });
    expect("sample" in out && out.sample).toMatchObject({ kind: "grab", start: Date.parse("2026-03-04T07:00:00Z"), end: Date.parse("2026-03-04T07:00:00Z") });
  });

  const cases: Array<[string, RowInput, RegExp, LabRejectedRow["field"]]> = [
    ["an unknown station, with suggestions", { station: "DE-ELBE-ZEHRN" }, /unknown station "DE-ELBE-ZEHRN"; closest: DE-ELBE-ZEHREN/, "station"],
    ["an unknown compound, with suggestions", { compound: "Carbamazepine-X" }, /unknown compound "Carbamazepine-X"; closest: carbamazepine/, "compound"],
    ["a value with no unit", { unit: null }, /no unit: give it in the unit column/, "unit"],
    ["an unknown unit", { unit: "ppm" }, /unknown unit "ppm"/, "unit"],
    ["a unit that does not convert", { unit: "µS/cm" }, /µS\/cm does not convert to carbamazepine's unit ng\/L/, "unit"],
    ["a negative concentration", { value: "-0,5" }, /negative concentration -0.5/, "value"],
    ["an LOQ of 0", { value: null, qualifier: "<", loq: "0" }, /an LOQ of 0 is not a limit of quantification/, "loq"],
    ["\"<0\"", { value: "<0" }, /an LOQ of 0 is not/, "value"],
    ["a below-LOQ result without LOQ", { value: null, qualifier: "<" }, /needs the LOQ/, "loq"],
    ["an LOQ contradicting the value", { value: "<0,05", loq: "0,1" }, /says "<0.05" but the LOQ column says 0.1/, "loq"],
    ["no value", { value: null }, /no value/, "value"],
    ["a value that is no number", { value: "n.n." }, /"n.n." is not a number/, "value"],
    ["an ambiguous number", { value: "1.234" }, /can be read two ways/, "value"],
    ["an unknown qualifier", { qualifier: ">" }, /qualifier ">" not understood/, "qualifier"],
    ["sampling end before start", { end: "03.03.2026 08:00" }, /sampling end 2026-03-03T07:00Z is before the start 2026-03-04T07:00Z/, "end"],
    ["a composite without end", { end: null }, /needs a sampling end/, "end"],
    ["a composite ending when it starts", { end: "04.03.2026 08:00" }, /needs a sampling end after its start/, "end"],
    ["a grab sample with a period", { type: "Stichprobe" }, /one instant/, "end"],
    ["an end without type", { type: null }, /needs its type/, "kind"],
    ["an unknown type", { type: "Mischprobe" }, /unknown sample type "Mischprobe"/, "kind"],
    ["a sample in the future", { start: "01.07.2026 08:00", end: "02.07.2026 08:00" }, /sampling start 2026-07-01T06:00Z is in the future/, "start"],
    ["an unreadable date", { start: "4th of March" }, /sampling start: "4th of March" is not a time/, "start"],
    ["a future analysis", { analysed: "01.07.2026" }, /analysis date .* is in the future/, "analysedAt"],
    ["an analysis before sampling", { analysed: "01.03.2026" }, /analysed \(2026-03-01\) before the sample was taken \(2026-03-04\)/, "analysedAt"],
    ["a negative uncertainty", { u: "-5 %" }, /uncertainty -5 must be positive/, "uncertainty"],
    ["no sample id", { id: null }, /no sample id/, "sampleId"],
    ["no laboratory", { lab: null }, /no laboratory/, "laboratory"],
  ];
  it.each(cases)("rejects %s", (_what, input, reason, field) => {
    const out = rejected(input);
    expect(out.reason).toMatch(reason);
    expect(out.field).toBe(field);
    expect(out.line).toBe(2);
  });

  it("reports every problem of a row at once, suggestions included", () => {
    const out = rejected({ station: "Zehrn", compound: "Carbamazepn", unit: null });
    expect(out.reason).toMatch(/unknown station "Zehrn".*unknown compound "Carbamazepn".*no unit/);
    expect(out.suggestions).toEqual(expect.arrayContaining(["DE-ELBE-ZEHREN", "carbamazepine"]));
  });

  it("takes the laboratory and unit from the mapping's defaults, and the unit from the value header", () => {
    const ctx = context({ defaults: { laboratory: "KSI Meinsberg", unit: "ng/L" } });
    const out = parse({ lab: null, unit: null, value: "132" }, ctx);
    expect("result" in out && [out.sample.laboratory, out.result.value]).toEqual(["KSI Meinsberg", 132]);
    const header = HEADER.map((h) => (h === "value" ? "Wert [µg/L]" : h === "unit" ? "Farbe" : h));
    const fromHeader = parse({ unit: null }, context({}, header));
    expect("result" in fromHeader && fromHeader.result.reportedUnit).toBe("µg/L");
  });
});

describe("rows of one file together", () => {
  const ok = (r: RowInput, line: number) => parseLabRow(row(r, line), context()) as ParsedLabRow;

  it("rejects identical repeats as duplicates of the first, and conflicting results everywhere", () => {
    const { rows, rejected } = checkWithinFile([
      ok({}, 2),
      ok({}, 3),
      ok({ compound: "Diclofenac", value: "0,2" }, 4),
      ok({ compound: "Diclofenac", value: "0,3" }, 5),
      ok({ compound: "Ibuprofen", station: "DE-ELBE-SCHMILKA" }, 6),
      ok({ id: "ZE-2", compound: "Ibuprofen", remarks: "Regen" }, 7),
      ok({ id: "ZE-2", compound: "Diclofenac" }, 8),
    ]);
    expect(rows.map((r) => r.line)).toEqual([2, 7, 8]);
    expect(rejected).toEqual([
      { line: 3, field: "compound", reason: 'duplicate of line 2 (sample "ZE-1", carbamazepine)' },
      { line: 4, field: "value", reason: 'sample "ZE-1", diclofenac is given with different results in lines 4, 5: keep one' },
      { line: 5, field: "value", reason: 'sample "ZE-1", diclofenac is given with different results in lines 4, 5: keep one' },
      { line: 6, field: "sampleId", reason: 'sample "ZE-1" is described differently in line 2 (station)' },
    ]);
    // Remarks given on one row of a sample belong to the whole sample.
    expect(rows.find((r) => r.line === 8)!.sample.remarks).toBe("Regen");
  });

  it("compares with the stored state: added, changed (old → new) and unchanged", () => {
    const first = ok({}, 2);
    const stored: StoredSample = {
      id: 7,
      revision: 1,
      retracted: false,
      draft: { ...first.sample, remarks: "alt" },
      results: new Map([["carbamazepine", { id: 70, revision: 2, retracted: false, draft: { ...first.result, value: 120 } }]]),
    };
    const rows = [first, ok({ compound: "Diclofenac" }, 3), ok({ id: "ZE-9" }, 4)];
    const plan = planImport(rows, [], new Map([[sampleKey("BfUL", "ZE-1"), stored]]));
    expect(plan.counts).toEqual({ samples: { added: 1, changed: 1, unchanged: 0 }, results: { added: 2, changed: 1, unchanged: 0, rejected: 0 } });
    expect(plan.samples[0]!.changes).toEqual({ remarks: { old: "alt", new: null } });
    expect(plan.results[0]).toMatchObject({ action: "change", changes: { value: { old: 120, new: 125 } } });

    const again = planImport([first], [], new Map([[sampleKey("BfUL", "ZE-1"), { ...stored, draft: first.sample, results: new Map([["carbamazepine", { id: 70, revision: 2, retracted: false, draft: first.result }]]) }]]));
    expect(again.counts).toEqual({ samples: { added: 0, changed: 0, unchanged: 1 }, results: { added: 0, changed: 0, unchanged: 1, rejected: 0 } });
  });

  it("adds a result again whose earlier revision was retracted", () => {
    const first = ok({}, 2);
    const stored: StoredSample = { id: 7, revision: 2, retracted: true, draft: first.sample, results: new Map([["carbamazepine", { id: 70, revision: 2, retracted: true, draft: first.result }]]) };
    const plan = planImport([first], [], new Map([[sampleKey("BfUL", "ZE-1"), stored]]));
    expect(plan.counts.samples.added).toBe(1);
    expect(plan.counts.results.added).toBe(1);
  });
});

describe("lab results for the sensor validation", () => {
  it("gives the sample's period and the value, or <LOQ with its limit, in the parameter's unit", () => {
    const sample = { id: 1, laboratory: "BfUL", sampleId: "ZE-1", station: "DE-ELBE-ZEHREN", kind: "grab" as const, start: 1_000, end: 1_000, method: null, remarks: null };
    const base = { id: 1, sample, parameter: "carbamazepine", unit: "ng/L", uncertainty: null, reported: { value: 0.05, loq: 0.05, unit: "µg/L" }, analysedAt: null, labFlag: null, revision: 1, recordedAt: 0, recordedBy: "x", importId: 1 };
    expect(validationLabResult({ ...base, value: 125, qualifier: null, loq: 10 })).toEqual({ sampleId: "ZE-1", kind: "grab", start: 1_000, end: 1_000, result: { value: 125, qualifier: null, limit: null } });
    expect(validationLabResult({ ...base, value: null, qualifier: "<LOQ", loq: 50 }).result).toEqual({ value: null, qualifier: "<LOQ", limit: 50 });
  });
});
