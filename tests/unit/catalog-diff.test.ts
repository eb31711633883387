// The catalog import diff: entities matched by key (standard versions by id and start), field-level
// before and after, and the rules a change must keep (history of standards, identity of what has data).
import { describe, expect, it } from "vitest";
import type { CatalogData, QualityStandard } from "../../common/catalog-model.ts";
import { diffCatalogs, diffSummary, fieldChanges, standardVersionKey, type CatalogDiff } from "../../common/catalog-diff.ts";
import { dataQuestions, keyedPath, standardHistoryProblems } from "../../server/src/catalog/change-rules.ts";
import { seedCatalogData } from "../../server/src/catalog/seed.ts";

const base = seedCatalogData();
const changed = (edit: (d: CatalogData) => void): CatalogDiff => {
  const d = structuredClone(base);
  edit(d);
  return diffCatalogs(base, d);
};
const only = (diff: CatalogDiff) => Object.fromEntries(Object.entries(diff).filter(([, list]) => list.length > 0));

describe("field-level changes", () => {
  it.each<[string, unknown, unknown, Array<{ path: string; before: unknown; after: unknown }>]>([
    ["a top-level value", { a: 1, b: 2 }, { a: 1, b: 3 }, [{ path: "b", before: 2, after: 3 }]],
    ["a nested name", { name: { en: "X", zh: "甲" } }, { name: { en: "X", zh: "乙" } }, [{ path: "name.zh", before: "甲", after: "乙" }]],
    ["a field added", { name: { en: "X" } }, { name: { en: "X", de: "Y" } }, [{ path: "name.de", before: undefined, after: "Y" }]],
    ["a field removed", { a: 1, note: "n" }, { a: 1 }, [{ path: "note", before: "n", after: undefined }]],
    ["an array element", { d: [{ to: null }] }, { d: [{ to: "2027-01-01" }] }, [{ path: "d[0].to", before: null, after: "2027-01-01" }]],
    ["an array grown", { s: [] }, { s: ["CBZ"] }, [{ path: "s", before: [], after: undefined }, { path: "s[0]", before: undefined, after: "CBZ" }]],
    ["null and a value", { operator: null }, { operator: "BFUL" }, [{ path: "operator", before: null, after: "BFUL" }]],
    ["nothing but key order", { a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }, []],
  ])("%s", (_what, before, after, expected) => {
    expect(fieldChanges(before, after)).toEqual(expected);
  });
});

describe("catalog diff", () => {
  it("finds nothing between a catalog and a deep copy of it", () => {
    expect(only(diffCatalogs(base, structuredClone(base)))).toEqual({});
  });

  it("lists added, changed and removed entities by key, with the changed fields", () => {
    const diff = changed((d) => {
      d.stations[7]!.name.zh = "寸滩";
      d.stations.splice(3, 1);
      d.rivers.push({ id: "saale", name: { en: "Saale" } });
    });
    expect(Object.keys(only(diff))).toEqual(["rivers", "stations"]);
    expect(diff.rivers).toEqual([{ change: "added", key: "saale", after: { id: "saale", name: { en: "Saale" } } }]);
    expect(diff.stations).toEqual([
      { change: "changed", key: "CN-YANGTZE-CUNTAN", before: base.stations[7], after: expect.objectContaining({ id: "CN-YANGTZE-CUNTAN" }), fields: [{ path: "name.zh", before: base.stations[7]!.name.zh, after: "寸滩" }] },
      { change: "removed", key: "DE-ZSCHOPAU-WALDHEIM", before: base.stations[3] },
    ]);
    expect(diffSummary(diff)).toBe("rivers: 1 added; stations: 1 changed, 1 removed");
  });

  it("tells standard versions apart by their start: a new version is added, the old one's end is a change", () => {
    const id = "clarithromycin.MAC-EQS.EU-EQS-2022";
    const diff = changed((d) => {
      const old = d.standards.find((s) => s.id === id)!;
      old.validTo = "2027-01-01";
      d.standards.push({ ...old, validFrom: "2027-01-01", validTo: null, value: 100 });
    });
    expect(diff.standards.map((c) => [c.change, c.key])).toEqual([
      ["changed", standardVersionKey(id, null)],
      ["added", standardVersionKey(id, "2027-01-01")],
    ]);
    expect(diff.standards[0]).toMatchObject({ fields: [{ path: "validTo", before: null, after: "2027-01-01" }] });
  });

  it("does not look inside entities that are the same object on both sides", () => {
    const d = { ...base, stations: [...base.stations] };
    expect(diffCatalogs(base, d).stations).toEqual([]);
  });

  it("names entities by key in problem paths", () => {
    expect(keyedPath("stations[7].river", base)).toBe("stations[CN-YANGTZE-CUNTAN].river");
    expect(keyedPath("standards[0]", base)).toBe(`standards[${standardVersionKey(base.standards[0]!.id, null)}]`);
    expect(keyedPath("format", base)).toBe("format");
  });
});

describe("what a change must not orphan", () => {
  it.each<[string, (d: CatalogData) => void, Array<{ kind: string; key: string; field: string }>]>([
    ["a removed station", (d) => d.stations.splice(0, 1), [{ kind: "stations", key: "DE-ELBE-SCHMILKA", field: "" }]],
    ["a renamed sensor", (d) => (d.sensors[0]!.id = "RENAMED"), [{ kind: "sensors", key: "SIM-DE-ELBE-SCHMILKA-CARBAMAZEPINE", field: "" }]],
    ["a parameter's unit", (d) => (d.parameters[0]!.unit = "µg/L"), [{ kind: "parameters", key: "carbamazepine", field: "unit" }]],
    ["a sensor's parameter", (d) => (d.sensors[0]!.parameter = "diclofenac"), [{ kind: "sensors", key: "SIM-DE-ELBE-SCHMILKA-CARBAMAZEPINE", field: "parameter" }]],
    ["a new name (nothing)", (d) => (d.stations[0]!.name.de = "Schmilka"), []],
  ])("%s asks whether it has data", (_what, edit, questions) => {
    expect(dataQuestions(changed(edit))).toEqual(questions);
  });
});

describe("standards never rewrite history", () => {
  const NOW = Date.parse("2026-06-01T00:00:00Z");
  const std = (over: Partial<QualityStandard>): QualityStandard => ({ ...base.standards[0]!, ...over });
  const diffOf = (before: QualityStandard[], after: QualityStandard[]) => diffCatalogs({ ...base, standards: before }, { ...base, standards: after });
  const problems = (before: QualityStandard[], after: QualityStandard[]) => standardHistoryProblems(diffOf(before, after), NOW).map((p) => p.path);

  const applied = std({ validFrom: "2020-01-01" });
  const startsNow = std({ validFrom: "2026-06-01T00:00:00Z" });
  const future = std({ validFrom: "2027-01-01" });

  it.each<[string, QualityStandard[], QualityStandard[], string[]]>([
    ["a value changed on a version that has applied", [applied], [{ ...applied, value: 1 }], [`standards[${applied.id}@2020-01-01].value`]],
    ["a value changed on a version that starts this instant", [startsNow], [{ ...startsNow, value: 1 }], [`standards[${applied.id}@2026-06-01T00:00:00Z].value`]],
    ["a value changed on a version not started yet", [future], [{ ...future, value: 1 }], []],
    ["an applied version ended now", [applied], [{ ...applied, validTo: "2026-06-01T00:00:00Z" }], []],
    ["an applied version ended a millisecond ago", [applied], [{ ...applied, validTo: "2026-05-31T23:59:59.999Z" }], [`standards[${applied.id}@2020-01-01].validTo`]],
    ["an applied version ended later", [applied], [{ ...applied, validTo: "2027-01-01" }], []],
    ["an applied version's future end moved earlier, still after now", [{ ...applied, validTo: "2028-01-01" }], [{ ...applied, validTo: "2027-01-01" }], []],
    ["an applied version's past end moved", [{ ...applied, validTo: "2025-01-01" }], [{ ...applied, validTo: "2027-01-01" }], [`standards[${applied.id}@2020-01-01].validTo`]],
    ["an applied version removed", [applied], [], [`standards[${applied.id}@2020-01-01]`]],
    ["a future version removed", [applied, future], [applied], []],
    ["a new version added", [applied], [applied, future], []],
  ])("%s: problems at %j", (_what, before, after, paths) => {
    expect(problems(before, after)).toEqual(paths);
  });
});
