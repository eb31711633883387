// Sensor validation page (#/validation?station=&parameter=&sensor=&period=, researchers): one sensor
// of a compound at a station against the lab's reference results over a period — the pairs, how
// many are left out and why, mean bias, RMSE, Passing–Bablok (named) and Deming regression,
// Bland–Altman limits of agreement and the drift of the relative difference, as numbers and figures,
// with the pairs to download as CSV. New lab results (socket event `labResults`) reload it.
import type { LabValidationResponse } from "../../../common/lab-validation.ts";
import type { LabResultsChanged } from "../../../common/lab.ts";
import { blandAltmanDatasets, driftDatasets, scatterDatasets, type ValidationLabels, type XYDataset, type XYPoint } from "../charts/validation-charts.ts";
import { XYChart } from "../charts/xy-chart.ts";
import { sampleKindName } from "../components/lab-text.ts";
import { pairsSummary, validationSummary } from "../components/validation-summary.ts";
import { validationPairsTable } from "../components/validation-pairs.ts";
import { parameterName, sensorLabel, stationName, type AppContext, type Page } from "../context.ts";
import { h } from "../dom.ts";
import { displayUnit, formatDateTime, formatNumber } from "../format.ts";
import type { MessageKey } from "../i18n/index.ts";
import { LabApi, validationCsvUrl, type ValidationQuery } from "../lab-api.ts";
import { LAB_HREF, replaceQuery, validationHref } from "../router.ts";
import { resolveZone } from "../state.ts";
import "../lab.css";

const DAY = 86_400_000;
export const VALIDATION_PERIODS = { "3m": 91, "6m": 182, "1y": 365, "2y": 730, "5y": 1826, "10y": 3652 } as const;
type Period = keyof typeof VALIDATION_PERIODS;

/** Mean of the lab values in the statistics (for the scale of an axis); 1 without any. */
function meanLab(body: LabValidationResponse): number {
  const values = body.validation.pairs.filter((p) => p.excluded === null && p.labValue !== null).map((p) => p.labValue!);
  return values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : 1;
}

export function validationPage(ctx: AppContext, query: URLSearchParams): Page {
  const { t, catalog } = ctx;
  const labApi = new LabApi(ctx.api);
  const stations = catalog.stations.filter((s) => catalog.parametersOf(s.id).some((p) => p.group === "pharmaceutical"));
  const compoundsAt = (id: string) => catalog.parametersOf(id).filter((p) => p.group === "pharmaceutical");
  /** Where a research sensor stands beside the primary one: what a new visitor most likely came to see. */
  const underValidation = stations.flatMap((s) => compoundsAt(s.id).filter((p) => catalog.sensorsOf(s.id, p.code).length > 1).map((p) => [s.id, p.code] as const))[0];
  let station = catalog.station(query.get("station") ?? "") ? query.get("station")! : (underValidation?.[0] ?? stations[0]?.id ?? "");
  const compounds = () => compoundsAt(station);
  const asked = query.get("parameter") ?? (station === underValidation?.[0] ? underValidation[1] : "");
  let parameter = compounds().some((p) => p.code === asked) ? asked : (compounds()[0]?.code ?? "");
  /** A research sensor beside the primary one is what is usually validated: it is the default. */
  const defaultSensor = () => {
    const all = catalog.sensorsOf(station, parameter);
    const primary = catalog.defaultSensor(station, parameter, Date.now());
    return (all.find((s) => s.id !== primary?.id && s.deployments.some((d) => d.station === station && d.to === null)) ?? primary ?? all[0])?.id ?? "";
  };
  let sensor = catalog.sensorsOf(station, parameter).some((s) => s.id === query.get("sensor")) ? query.get("sensor")! : defaultSensor();
  let period: Period = (query.get("period") ?? "") in VALIDATION_PERIODS ? (query.get("period") as Period) : "1y";
  let grab = Number(query.get("grab")) || 30;
  let coverage = Number(query.get("cov")) || 80;
  let lambda = Number(query.get("lambda")) || 1;
  let seq = 0;
  let body: LabValidationResponse | undefined;
  let baScale: "absolute" | "relative" = "relative";

  const controls = h("div", { class: "validation-controls" });
  const status = h("p", { class: "state-loading", role: "status" });
  const results = h("div", { class: "validation-results" });
  const scatter = new XYChart(360);
  const blandAltman = new XYChart(300);
  const drift = new XYChart(300);
  const element = h(
    "section",
    { class: "validation-page", "aria-labelledby": "validation-h" },
    h("a", { class: "back", href: LAB_HREF }, `← ${t("lab.heading")}`),
    h("h1", { id: "validation-h" }, t("validation.heading")),
    h("p", {}, t("validation.intro")),
    controls,
    status,
    results,
  );

  const zone = () => resolveZone(ctx.p.zone, catalog.station(station)?.timezone);
  const request = (): ValidationQuery => {
    const to = Date.now();
    return { station, parameter, sensor, from: to - VALIDATION_PERIODS[period] * DAY, to, grabWindowMinutes: grab, minCoverage: coverage / 100, errorRatio: lambda };
  };

  function saveQuery(): void {
    const q = new URLSearchParams({ station, parameter, sensor, period });
    if (grab !== 30) q.set("grab", String(grab));
    if (coverage !== 80) q.set("cov", String(coverage));
    if (lambda !== 1) q.set("lambda", String(lambda));
    replaceQuery(validationHref(q));
  }

  function selectOf(name: string, label: string, items: Array<[string, string]>, value: string, set: (v: string) => void): HTMLElement {
    const el = h("select", { name, onchange: (e: Event) => (set((e.target as HTMLSelectElement).value), update()) });
    for (const [v, text] of items) el.append(h("option", { value: v, selected: v === value }, text));
    return h("label", { class: "setting" }, h("span", { class: "setting-label" }, label), el);
  }

  function numberOf(name: string, label: string, value: number, min: number, max: number, step: number, set: (v: number) => void): HTMLElement {
    const el = h("input", { type: "number", name, value: String(value), min, max, step });
    el.addEventListener("change", () => {
      const v = Number(el.value);
      if (!Number.isFinite(v) || v < min || v > max) return;
      set(v);
      update();
    });
    return h("label", { class: "setting" }, h("span", { class: "setting-label" }, label), el);
  }

  function renderControls(): void {
    controls.replaceChildren(
      h(
        "div",
        { class: "control-row" },
        selectOf("station", t("validation.station"), stations.map((s) => [s.id, stationName(ctx, s.id)]), station, (v) => {
          station = v;
          if (!compounds().some((p) => p.code === parameter)) parameter = compounds()[0]?.code ?? "";
          sensor = defaultSensor();
        }),
        selectOf("parameter", t("validation.compound"), compounds().map((p) => [p.code, parameterName(ctx, p.code)]), parameter, (v) => {
          parameter = v;
          sensor = defaultSensor();
        }),
        selectOf("sensor", t("validation.sensor"), catalog.sensorsOf(station, parameter).map((s) => [s.id, sensorLabel(s)]), sensor, (v) => (sensor = v)),
        selectOf("period", t("validation.period"), (Object.keys(VALIDATION_PERIODS) as Period[]).map((p) => [p, t(`validation.period.${p}` as MessageKey)]), period, (v) => (period = v as Period)),
      ),
      h(
        "details",
        { class: "validation-options" },
        h("summary", {}, t("validation.options")),
        h(
          "div",
          { class: "control-row" },
          numberOf("grab-window", t("validation.grabWindow"), grab, 1, 720, 1, (v) => (grab = v)),
          numberOf("min-coverage", t("validation.minCoverage"), coverage, 0, 100, 5, (v) => (coverage = v)),
          numberOf("error-ratio", t("validation.errorRatioInput"), lambda, 0.001, 1000, 0.1, (v) => (lambda = v)),
        ),
      ),
    );
  }

  function update(): void {
    saveQuery();
    renderControls();
    void load();
  }

  async function load(): Promise<void> {
    const my = ++seq;
    status.hidden = false;
    status.className = "state-loading";
    status.textContent = t("state.loading");
    try {
      const answer = await labApi.validation(request());
      if (my !== seq) return;
      body = answer;
      status.hidden = true;
      render();
    } catch (err) {
      if (my !== seq) return;
      status.className = "state-error";
      status.replaceChildren(t("state.error", { error: err instanceof Error ? err.message : String(err) }), " ", h("button", { type: "button", onclick: () => void load() }, t("state.retry")));
    }
  }

  function render(): void {
    if (!body) return;
    const v = body.validation;
    const du = displayUnit(body.unit, ctx.p.unit);
    const csv = h("a", { href: validationCsvUrl(request()), download: "", class: "validation-csv", "data-testid": "validation-csv" }, t("validation.csv"));
    if (v.counts.total === 0) {
      results.replaceChildren(
        h("p", { class: "validation-empty", "data-testid": "validation-empty" }, t("validation.empty", { compound: parameterName(ctx, parameter), station: stationName(ctx, station) }), " ", h("a", { href: LAB_HREF }, t("validation.emptyLink"))),
      );
      return;
    }
    if (v.pairs.every((p) => p.sensor.nReadings === 0)) {
      // Lab results, but the sensor has no readings in any of their periods: nothing to draw.
      results.replaceChildren(
        h("div", { class: "validation-head" }, pairsSummary(body, t), csv),
        h("p", { class: "validation-empty", "data-testid": "validation-no-readings" }, t("validation.noReadings", { sensor: sensor, n: v.counts.total })),
        validationPairsTable(body, { t, lang: ctx.lang, unit: ctx.p.unit, zone: zone() }),
      );
      return;
    }
    const labels: ValidationLabels = {
      pairs: t("validation.legend.pairs"),
      excluded: t("validation.legend.excluded"),
      identity: t("validation.legend.identity"),
      passingBablok: t("validation.legend.passingBablok"),
      deming: t("validation.legend.deming", { lambda: formatNumber(v.options.errorRatio, ctx.lang) }),
      meanDifference: t("validation.legend.meanDifference"),
      limitsOfAgreement: t("validation.legend.limits"),
      trend: t("validation.legend.trend"),
      zero: t("validation.legend.zero"),
    };
    const describe = (p: XYPoint, ds: XYDataset): string[] => {
      const pair = p.pair === undefined ? undefined : v.pairs[p.pair];
      if (!pair) return [ds.label];
      const q = (x: number | null) => (x === null ? "–" : `${formatNumber(x * du.factor, ctx.lang)} ${du.unit}`);
      return [
        `${pair.sampleId} · ${sampleKindName(pair.kind, t)} · ${formatDateTime(pair.time, ctx.lang, zone())}`,
        t("validation.tip.values", { lab: pair.labValue === null ? `< ${q(pair.lab.limit)}` : q(pair.labValue), sensor: pair.sensor.value === null ? "–" : q(pair.sensor.value) }),
        t("validation.tip.coverage", { n: pair.sensor.nReadings, coverage: Math.round(pair.sensor.coverage * 100) }),
        ...(pair.excluded ? [t(`validation.excluded.${pair.excluded}` as MessageKey, { n: 1 })] : []),
      ];
    };
    const sc = scatterDatasets(v, du.factor, labels);
    const baToggle = h(
      "div",
      { class: "validation-toggle", role: "group", "aria-label": t("validation.baScale") },
      ...(["relative", "absolute"] as const).map((s) =>
        h("button", { type: "button", "aria-pressed": String(baScale === s), onclick: () => ((baScale = s), render()) }, s === "relative" ? t("validation.baRelative") : t("validation.baAbsolute", { unit: du.unit })),
      ),
    );
    results.replaceChildren(
      h("div", { class: "validation-head" }, pairsSummary(body, t), csv),
      validationSummary(body, { t, lang: ctx.lang, unit: ctx.p.unit }),
      h("figure", { class: "panel validation-figure" }, h("figcaption", {}, h("h2", {}, t("validation.scatterHeading")), h("p", { class: "muted" }, t("validation.scatterHint"))), scatter.element),
      h("figure", { class: "panel validation-figure" }, h("figcaption", {}, h("h2", {}, t("validation.baHeading")), h("p", { class: "muted" }, t("validation.baHint")), baToggle), blandAltman.element),
      h("figure", { class: "panel validation-figure" }, h("figcaption", {}, h("h2", {}, t("validation.driftHeading")), h("p", { class: "muted" }, t("validation.driftHint"))), drift.element),
      validationPairsTable(body, { t, lang: ctx.lang, unit: ctx.p.unit, zone: zone() }),
    );
    scatter.render({ datasets: sc.datasets, xTitle: t("validation.axis.lab", { unit: du.unit }), yTitle: t("validation.axis.sensor", { unit: du.unit }), locale: ctx.locale, square: { max: sc.max }, describe, ariaLabel: t("validation.scatterHeading") });
    blandAltman.render({
      datasets: blandAltmanDatasets(v, baScale, du.factor, labels),
      xTitle: t("validation.axis.average", { unit: du.unit }),
      yTitle: baScale === "relative" ? t("validation.axis.relative") : t("validation.axis.difference", { unit: du.unit }),
      locale: ctx.locale,
      // At least 10 % (or a tenth of the mean lab value) from top to bottom.
      minYSpan: baScale === "relative" ? 10 : 0.1 * du.factor * meanLab(body),
      describe,
      ariaLabel: t("validation.baHeading"),
    });
    drift.render({
      datasets: driftDatasets(v, labels),
      xTitle: zone() ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      yTitle: t("validation.axis.relative"),
      time: { zone: zone() },
      locale: ctx.locale,
      minYSpan: 10,
      describe,
      ariaLabel: t("validation.driftHeading"),
    });
  }

  function onLabResults(change: LabResultsChanged): void {
    if (change.stations.includes(station) && change.parameters.includes(parameter)) void load();
  }

  renderControls();
  void load();
  return {
    element,
    stations: [],
    onLabResults,
    destroy() {
      seq++;
      scatter.destroy();
      blandAltman.destroy();
      drift.destroy();
    },
  };
}
