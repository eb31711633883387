import { describe, expect, it } from "vitest";
import type { SeriesResponse } from "../../common/api-types.ts";
import { normalise } from "../../client/src/charts/compare-datasets.ts";
import { buildChartModel, type ModelOptions } from "../../client/src/charts/datasets.ts";
import { sparklinePath } from "../../client/src/charts/sparkline.ts";
import { standardLines } from "../../client/src/charts/standard-lines.ts";
import { parseRoute } from "../../client/src/router.ts";
import { parseRangeQuery, resolveRange, shiftRange, zoomRange } from "../../client/src/range.ts";
import { mergePoints } from "../../client/src/series-data.ts";
import { seed } from "../helpers/catalog.ts";

const labels: ModelOptions["labels"] = { value: "v", mean: "mean", min: "min", max: "max", belowLod: "lod", suspect: "s", failed: "f", rollingMean: (m) => `rm of ${m?.n ?? 0}` };
const opts = (extra: Partial<ModelOptions> = {}): ModelOptions => ({ factor: 1, showFailed: false, rollingWindowMs: 86_400_000, labels, ...extra });
const raw = (points: SeriesResponse["points"]): SeriesResponse => ({
  station: "DE-ELBE-ZEHREN",
  parameter: "diclofenac",
  sensor: "SIM-DE-ELBE-ZEHREN-DICLOFENAC",
  unit: "ng/L",
  from: 0,
  to: 10,
  resolution: "raw",
  intervalMs: null,
  points,
  view: "corrected",
  asOf: null,
  releaseLevel: "approved",
  corrections: [],
});
const diclofenac = seed.parameter("diclofenac")!;
const T = Date.UTC(2026, 10, 25);
const at = (station: string, parameter: string) => seed.standardsAt(station, parameter, T);
const byRole = (m: ReturnType<typeof buildChartModel>, role: string) => m.datasets.find((d) => d.role === role)?.data ?? [];

describe("client chart model", () => {
  it("draws censored values as markers at their limit and leaves a gap in the line, never 0", () => {
    const m = buildChartModel(
      raw([{ t: 1, v: 30, qc: 1 }, { t: 2, v: null, qualifier: "<LOD", limit: 5, qc: 1 }, { t: 3, v: 35, qc: 1 }, { t: 4, v: null, qualifier: "<LOQ", limit: 16.7, qc: 1 }]),
      diclofenac,
      opts(),
    );
    expect(byRole(m, "value").map((p) => p.y)).toEqual([30, null, 35, null]);
    expect(byRole(m, "belowLod")).toEqual([
      expect.objectContaining({ x: 2, y: 5, limit: 5, qualifier: "<LOD" }),
      expect.objectContaining({ x: 4, y: 16.7, limit: 16.7, qualifier: "<LOQ" }),
    ]);
  });

  it("hides failed values by default, counts them, and shows them as markers on request", () => {
    const series = raw([{ t: 1, v: 30, qc: 1 }, { t: 2, v: 900, qc: 4 }, { t: 3, v: 33, qc: 3 }]);
    const hidden = buildChartModel(series, diclofenac, opts());
    expect(byRole(hidden, "value").map((p) => p.x)).toEqual([1, 3]);
    expect(hidden.failedHidden).toBe(1);
    expect(byRole(hidden, "suspect").map((p) => p.x)).toEqual([3]);
    const shown = buildChartModel(series, diclofenac, opts({ showFailed: true }));
    expect(byRole(shown, "failed").map((p) => p.y)).toEqual([900]);
  });

  it("draws aggregates as a mean line with a filled min/max envelope, and a mean below its limit as a '< LOQ' mark", () => {
    const series: SeriesResponse = {
      ...raw([
        { t: 0, v: 40, min: 20, max: 70, n: 6, nBelowLod: 0, qc: 1 },
        { t: 10, v: 2.5, min: null, max: null, n: 6, nBelowLod: 6, qc: 1, qualifier: "<LOD", limit: 5, reportedBelow: "<LOD" },
        // (20 + 5 × 8.35) / 6 = 10.3 < 16.7: reported "< LOQ" by the server, drawn at the LOQ, not at 10.3.
        { t: 20, v: 10.29, min: 8.35, max: 20, n: 6, nBelowLod: 5, qc: 1, qualifier: "<LOQ", limit: 16.7, reportedBelow: "<LOQ" },
      ]),
      resolution: "aggregate",
      intervalMs: 10,
    };
    const m = buildChartModel(series, diclofenac, opts({ standards: at("DE-ELBE-ZEHREN", "diclofenac") }));
    expect(m.datasets.map((d) => d.role)).toEqual(["min", "max", "mean", "belowLod", "suspect", "rollingMean"]);
    expect(m.datasets.find((d) => d.role === "max")!.fill).toBe("-1");
    expect(byRole(m, "mean").map((p) => p.y)).toEqual([40, null, null]);
    expect(byRole(m, "belowLod")).toEqual([
      expect.objectContaining({ x: 10, y: 5, qualifier: "<LOD", n: 6 }),
      expect.objectContaining({ x: 20, y: 16.7, qualifier: "<LOQ", n: 6 }),
    ]);
  });

  it("draws the rolling mean with its count in the legend, and leaves a gap where it is below the limit", () => {
    const m = buildChartModel(
      raw([{ t: 1, v: 30, qc: 1 }, { t: 2, v: 50, qc: 1 }, { t: 3, v: 999, qc: 4 }, { t: 200_000_000, v: null, qualifier: "<LOQ", limit: 16.7, qc: 1 }]),
      diclofenac,
      opts({ standards: at("DE-ELBE-ZEHREN", "diclofenac"), showFailed: true }),
    );
    const rolling = m.datasets.find((d) => d.role === "rollingMean")!;
    // Failed values never enter, shown or not: (30 + 50) / 2 = 40; a day later only the <LOQ value: "< LOQ", no number.
    expect(rolling.data.map((p) => [p.y, p.n])).toEqual([[30, 1], [40, 2], [null, 1]]);
    expect(rolling.label).toBe("rm of 1");
  });

  it("converts to µg/L and keeps standards within reach on the axis, listing far ones as off scale", () => {
    const m = buildChartModel(raw([{ t: 1, v: 30, qc: 1 }]), diclofenac, opts({ factor: 0.001, standards: at("DE-ELBE-ZEHREN", "diclofenac") }));
    expect(byRole(m, "value")[0]!.y).toBeCloseTo(0.03);
    // EU proposal 40 and German proposal 50 apply at Zehren; the Swiss 50 is a reference line, off by default.
    expect(m.standards.map((s) => [s.value, s.entries.map((e) => e.source)])).toEqual([[0.04, ["EU-EQS-2022"]], [0.05, ["DE-UBA-proposal"]]]);
    const carbamazepine = buildChartModel(
      { ...raw([{ t: 1, v: 120, qc: 1 }]), parameter: "carbamazepine" },
      seed.parameter("carbamazepine")!,
      opts({ standards: at("DE-ELBE-ZEHREN", "carbamazepine") }),
    );
    expect(carbamazepine.offScale.map((s) => s.kind)).toEqual(["AA-EQS", "MAC-EQS"]);
  });

  it("draws applicable standards, offers the others as reference lines (off by default), with legal status", () => {
    const standards = at("DE-ELBE-ZEHREN", "diclofenac");
    const off = buildChartModel(raw([{ t: 1, v: 30, qc: 1 }]), diclofenac, opts({ standards }));
    const swiss = off.lines.find((l) => !l.applicable)!;
    expect(swiss.entries).toEqual([{ id: "diclofenac.AA-EQS.CH-GSchV", source: "CH-GSchV", legalStatus: "binding" }]);
    expect(off.standards.some((l) => l.key === swiss.key)).toBe(false);
    const on = buildChartModel(raw([{ t: 1, v: 30, qc: 1 }]), diclofenac, opts({ standards, referencesShown: new Set([swiss.key]) }));
    expect(on.standards.map((l) => l.key)).toContain(swiss.key);
    expect(off.standards.every((l) => l.entries.every((e) => e.legalStatus === "proposal"))).toBe(true);
  });

  it("draws the GB 3838 target-class line on a Chinese station and none on a Saxon one", () => {
    const oxygen = seed.parameter("dissolved_oxygen")!;
    const cuntan = standardLines(at("CN-YANGTZE-CUNTAN", "dissolved_oxygen"), 1);
    expect(cuntan.map((l) => [l.kind, l.bound, l.value, l.targetClass, l.applicable])).toEqual([["class-limits", "min", 5, "III", true]]);
    const zehren = buildChartModel(
      { ...raw([{ t: 1, v: 9, qc: 1 }]), parameter: "dissolved_oxygen" },
      oxygen,
      opts({ standards: at("DE-ELBE-ZEHREN", "dissolved_oxygen") }),
    );
    expect(zehren.standards).toEqual([]);
    // At a station without a target class the class limit sets no line at all, not even a reference one.
    expect(zehren.lines).toEqual([]);
    expect(standardLines(at("CN-YANGTZE-CUNTAN", "ph"), 1).map((l) => [l.bound, l.value])).toEqual([["min", 6], ["max", 9]]);
  });

  it("merges standards with equal kind and value and keeps every source", () => {
    const lines = standardLines(at("DE-ELBE-ZEHREN", "diclofenac"), 1);
    expect(lines.map((l) => [l.value, l.applicable, l.entries.map((e) => e.source)])).toEqual([
      [40, true, ["EU-EQS-2022"]],
      [50, true, ["DE-UBA-proposal"]],
      [50, false, ["CH-GSchV"]],
    ]);
    expect(standardLines(at("DE-ELBE-ZEHREN", "sulfamethoxazole"), 1)[0]!.reference).toBe(true);
  });

  it("draws a further sensor of the compound as a line of its own, named in the legend", () => {
    const other = { ...raw([{ t: 1, v: 36, qc: 1 }, { t: 2, v: null, qualifier: "<LOD" as const, limit: 20, qc: 1 as const }]), sensor: "KSI-CBZ-MIP-P2" };
    const m = buildChartModel(raw([{ t: 1, v: 30, qc: 1 }]), diclofenac, opts({ sensorLabel: "primary", others: [{ series: other, index: 1, label: "prototype" }] }));
    const lines = m.datasets.filter((d) => d.role === "value");
    expect(lines.map((d) => d.label)).toEqual(["v · primary", "v · prototype"]);
    expect(lines[1]!.data.map((p) => p.y)).toEqual([36, null]);
  });
});

describe("client helpers", () => {
  it("normalises series to 0..1 and keeps gaps", () => {
    expect(normalise([10, null, 20, 15])).toEqual([0, null, 1, 0.5]);
    expect(normalise([3, 3])).toEqual([0.5, 0.5]);
  });

  it("builds a sparkline path that breaks at gaps", () => {
    const d = sparklinePath([{ t: 0, v: 1 }, { t: 1, v: null }, { t: 2, v: 2 }, { t: 3, v: 3 }], 0, 3, 100, 20);
    expect(d.match(/M/g)).toHaveLength(2);
    expect(sparklinePath([], 0, 1, 100, 20)).toBe("");
  });

  it("merges live points in time order and replaces resends", () => {
    const pts = [{ t: 1, v: 1 }, { t: 3, v: 3 }];
    mergePoints(pts, [{ t: 4, v: 4 }, { t: 2, v: 2 }, { t: 3, v: 30 }]);
    expect(pts).toEqual([{ t: 1, v: 1 }, { t: 2, v: 2 }, { t: 3, v: 30 }, { t: 4, v: 4 }]);
  });

  it("parses hash routes", () => {
    expect(parseRoute("#/station/DE-ELBE-ZEHREN?range=7d")).toMatchObject({ page: "station", station: "DE-ELBE-ZEHREN" });
    expect(parseRoute("#/compare?mode=parameters")).toMatchObject({ page: "compare" });
    expect(parseRoute("")).toMatchObject({ page: "overview" });
    const overview = parseRoute("#/?q=elbe&page=2");
    expect(overview.page === "overview" && [...overview.query]).toEqual([["q", "elbe"], ["page", "2"]]);
  });

  it("resolves, shifts and zooms time ranges without passing now", () => {
    const now = 1_000_000_000;
    expect(resolveRange({ key: "24h" }, now)).toEqual({ from: now - 86_400_000, to: now });
    expect(shiftRange({ key: "24h" }, 1, now)).toEqual({ key: "custom", from: now - 86_400_000, to: now });
    expect(shiftRange({ key: "24h" }, -1, now)).toEqual({ key: "custom", from: now - 1.5 * 86_400_000, to: now - 0.5 * 86_400_000 });
    const zoomed = zoomRange({ key: "custom", from: now - 4000_000, to: now - 2000_000 }, 0.5, now);
    expect(zoomed).toEqual({ key: "custom", from: now - 3500_000, to: now - 2500_000 });
    expect(parseRangeQuery(new URLSearchParams("range=custom&from=5&to=9"))).toEqual({ key: "custom", from: 5, to: 9 });
    expect(parseRangeQuery(new URLSearchParams("range=bogus"))).toEqual({ key: "24h" });
  });
});
