// The dashboard's data review drawing (pure parts): the approval band from the points' levels,
// estimated points as markers of their own, the preview overlay, and the review queue route.
import { describe, expect, it } from "vitest";
import type { SeriesResponse } from "../../common/api-types.ts";
import { approvalSegments } from "../../client/src/charts/approval-band.ts";
import { valueText } from "../../client/src/components/alert-format.ts";
import { buildChartModel, previewDatasets, type ModelOptions } from "../../client/src/charts/datasets.ts";
import { catalogues, LANGUAGES, translator, type Language, type MessageKey } from "../../client/src/i18n/index.ts";
import { parseRoute } from "../../client/src/router.ts";
import { ROLES } from "../../common/auth-types.ts";
import { seed, testAlert } from "../helpers/catalog.ts";

const labels: ModelOptions["labels"] = { value: "v", mean: "mean", min: "min", max: "max", belowLod: "lod", suspect: "s", failed: "f", estimated: "est", rollingMean: () => "rm" };
const series = (points: SeriesResponse["points"]): SeriesResponse => ({
  station: "DE-ELBE-ZEHREN", parameter: "ph", sensor: "SIM-DE-ELBE-ZEHREN-PH", unit: "pH", from: 0, to: 100, resolution: "raw", intervalMs: null, points,
  view: "corrected", asOf: null, releaseLevel: "approved", corrections: [],
});

describe("approval band", () => {
  it.each<[string, Array<{ t: number; approval?: "raw" | "checked" | "approved" }>, unknown[]]>([
    ["nothing reviewed: no band", [{ t: 0, approval: "raw" }, { t: 10, approval: "raw" }], []],
    ["runs of a level merge; the last point's level holds to the end of the view", [{ t: 0, approval: "approved" }, { t: 10, approval: "approved" }, { t: 20, approval: "raw" }], [
      { from: 0, to: 20, level: "approved" },
      { from: 20, to: 100, level: "raw" },
    ]],
    ["a point without a level counts as raw", [{ t: 0 }, { t: 10, approval: "checked" }], [
      { from: 0, to: 10, level: "raw" },
      { from: 10, to: 100, level: "checked" },
    ]],
  ])("%s", (_name, points, expected) => {
    expect(approvalSegments(points, 100)).toEqual(expected);
  });
});

describe("estimated points and the preview", () => {
  const opts: ModelOptions = { factor: 1, showFailed: false, rollingWindowMs: 0, labels };
  it("draws estimated points as hollow markers of their own, besides the value line", () => {
    const m = buildChartModel(series([{ t: 1, v: 7, qc: 1 }, { t: 2, v: 7.2, qc: 2, estimated: true }, { t: 3, v: 7.4, qc: 1 }]), seed.parameter("ph")!, opts);
    const est = m.datasets.find((d) => d.role === "estimated")!;
    expect(est.data.map((p) => [p.x, p.y])).toEqual([[2, 7.2]]);
    expect(est.label).toBe("est");
    expect(est.backgroundColor).toBe("#ffffff");
    expect(m.datasets.find((d) => d.role === "value")!.data).toHaveLength(3);
  });

  it("no estimated dataset when nothing is estimated", () => {
    const m = buildChartModel(series([{ t: 1, v: 7, qc: 1 }]), seed.parameter("ph")!, opts);
    expect(m.datasets.some((d) => d.role === "estimated")).toBe(false);
  });

  it("overlays the stored and the corrected readings of a preview, in display units", () => {
    const [raw, corrected] = previewDatasets({ raw: [{ t: 1, v: 1000, qc: 1 }], corrected: [{ t: 1, v: 1500, qc: 1 }] }, 0.001, { raw: "stored", corrected: "corrected" });
    expect([raw!.role, raw!.label, raw!.data]).toEqual(["previewRaw", "stored", [{ x: 1, y: 1, qc: 1 }]]);
    expect([corrected!.role, corrected!.label, corrected!.data]).toEqual(["previewCorrected", "corrected", [{ x: 1, y: 1.5, qc: 1 }]]);
    expect(raw!.borderDash).toEqual([4, 3]);
  });
});

describe("review route", () => {
  it("#/review is the review queue, with its query", () => {
    const route = parseRoute("#/review?days=14");
    expect(route.page).toBe("review");
    expect(route.page === "review" && route.query.get("days")).toBe("14");
  });
});

describe("role names", () => {
  it.each(LANGUAGES)("every role has a name in %s (the session menu shows it)", (lang) => {
    for (const role of ROLES) expect(catalogues[lang][`role.${role}` as MessageKey], role).toBeTruthy();
  });
});

describe("alerts from unreleased data", () => {
  it.each<[Language, string]>([
    ["en", "250 ng/L · single value · provisional"],
    ["de", "250 ng/L · Einzelwert · vorläufig"],
    ["zh", "250 ng/L · 单个值 · 临时"],
  ])("in %s the alert's value says it is provisional", (lang, text) => {
    const f = { t: translator(lang), lang, unit: "ng/L" as const, zone: "utc" as const, catalog: seed };
    expect(valueText(f, { ...testAlert(), provisional: true })).toBe(text);
    expect(valueText(f, testAlert())).toBe(text.replace(/ · [^·]+$/, ""));
  });
});
