// One parameter's figure on the station page: heading with unit, resolution and latest value(s), the
// chart with every sensor of the parameter at the station (the primary first; a sensor picker when
// there are several), and the quality standards: those that apply at the station with their legal
// status, and standards from elsewhere as reference lines the reader may switch on. Every mean drawn
// names its window and count; a line of a standard a sensor's method is not sensitive enough for
// (its LOQ, else LOD, above 30 % of the standard: Directive 2009/90/EC Art. 4) says so.
import type { SeriesResponse } from "../../../common/api-types.ts";
import type { Parameter, Sensor, Station } from "../../../common/catalog-model.ts";
import type { LabResultInfo } from "../../../common/lab.ts";
import { describePoint, standardLabel } from "./panel-text.ts";
import { buildChartModel, previewDatasets, sensorLineStyle, type ChartLabels } from "../charts/datasets.ts";
import { labDataset, labExtent } from "../charts/lab-overlay.ts";
import { labTooltip, uncertaintyText } from "../components/lab-text.ts";
import type { ReviewedReading } from "../../../common/api-types.ts";
import { approvalSegments } from "../charts/approval-band.ts";
import type { PreviewResponse } from "../review-api.ts";
import { SeriesChart } from "../charts/series-chart.ts";
import { insensitiveSensors, type StandardLine } from "../charts/standard-lines.ts";
import { parameterName, sensorLabel, stationName, type AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { roleAtLeast } from "../auth-api.ts";
import { validationHref } from "../router.ts";
import { QC, type Reading } from "../../../common/reading.ts";
import { displayUnit, formatDateTime, formatDuration, formatMean, formatNumber, formatReadingValue, meanDescription } from "../format.ts";
import type { MessageKey } from "../i18n/index.ts";
import type { MaintenanceWindow } from "../../../common/maintenance.ts";
import { MaintenanceOverlay } from "../components/maintenance-text.ts";
import { emptySeries } from "../series-data.ts";

export interface PanelView {
  from: number;
  to: number;
  zone: string | undefined;
  zoneLabel: string;
  showFailed: boolean;
  rollingWindowMs: number;
  requestedWidth: number;
}

export class ParameterPanel {
  readonly element: HTMLElement;
  readonly chart: SeriesChart;
  private readonly meta: HTMLElement;
  private readonly latest: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly standardsList: HTMLElement;
  private readonly provisional: HTMLElement;
  /** A correction's preview over the chart (data review), until saved or changed. */
  private preview: PreviewResponse | undefined;
  private readonly latestBySensor = new Map<string, Reading>();
  /** Reference lines (standards from elsewhere) switched on; off by default. */
  private readonly referencesShown = new Set<string>();
  private readonly hiddenSensors = new Set<string>();
  private last: { series: readonly SeriesResponse[]; view: PanelView } | undefined;
  private zone: string | undefined;
  /** Lab results of the parameter at the station over the view, and whether the reader hid them in the legend. */
  private lab: readonly LabResultInfo[] = [];
  private labHidden = false;
  private readonly maintenance: MaintenanceOverlay;

  constructor(
    private readonly ctx: AppContext,
    private readonly station: Station,
    readonly parameter: Parameter,
    /** Every sensor of the parameter at the station, primary first. */
    readonly sensors: readonly Sensor[],
    onZoom: (from: number, to: number) => void,
  ) {
    const { t } = ctx;
    const unit = displayUnit(parameter.unit, ctx.p.unit).unit;
    this.chart = new SeriesChart({ onZoom });
    this.meta = h("span", { class: "panel-meta" });
    this.latest = h("span", { class: "panel-latest", "data-testid": "latest" });
    this.empty = h("p", { class: "chart-empty", hidden: true }, t("state.noData"));
    this.standardsList = h("div", { class: "standards" });
    this.provisional = h("p", { class: "provisional-note", "data-testid": "provisional", hidden: true }, t("chart.provisional"));
    this.maintenance = new MaintenanceOverlay(ctx, parameter.code);
    const headingId = `panel-${parameter.code}`;
    this.element = h(
      "figure",
      { class: "panel", "data-parameter": parameter.code, "data-sensors": String(sensors.length), "aria-labelledby": headingId, "aria-busy": "true" },
      h(
        "figcaption",
        {},
        h("h2", { id: headingId }, parameterName(ctx, parameter.code), h("span", { class: "unit" }, ` (${unit})`)),
        h("div", { class: "panel-info" }, this.latest, this.meta, this.validationLink()),
      ),
      sensors.length > 1 ? this.sensorPicker() : "",
      h("div", { class: "chart-wrap" }, this.chart.element, this.empty),
      this.provisional,
      this.maintenance.element,
      this.standardsList,
    );
  }

  showError(message: string): void {
    this.element.setAttribute("aria-busy", "false");
    this.empty.hidden = false;
    this.empty.textContent = this.ctx.t("state.error", { error: message });
  }

  /** `series` holds one response per sensor, in the order of `sensors` (missing ones are skipped). */
  render(series: readonly SeriesResponse[], view: PanelView): void {
    this.last = { series, view };
    const { ctx, parameter } = this;
    const { t } = ctx;
    const du = displayUnit(parameter.unit, ctx.p.unit);
    const labels: ChartLabels = {
      value: t("chart.value"),
      mean: t("chart.mean"),
      min: t("chart.min"),
      max: t("chart.envelope"),
      belowLod: t("chart.belowLod"),
      suspect: t("chart.suspect"),
      failed: t("chart.failed"),
      estimated: t("chart.estimated"),
      rollingMean: (latest) =>
        t("chart.rollingMean", {
          mean: meanDescription(view.rollingWindowMs, latest?.n ?? 0, t, ctx.lang),
          value: latest ? formatMean(latest, parameter.unit, ctx.p.unit, ctx.lang, t) : "–",
        }),
    };
    const shown = series.filter((s) => !this.hiddenSensors.has(s.sensor));
    const [main, ...others] = shown;
    const sensorOf = (id: string) => this.sensors.find((s) => s.id === id);
    const indexOf = (id: string) => Math.max(0, this.sensors.findIndex((s) => s.id === id));
    const several = this.sensors.length > 1;
    // Chart.js legends do not wrap: on narrow charts the legend names sensors by id, the picker above in full.
    const legendName = (id: string) => (view.requestedWidth >= 560 ? this.labelOf(id) : id);
    const fmt = (v: number) => (du.unit === "pH" ? `pH ${formatNumber(v, ctx.lang)}` : `${formatNumber(v, ctx.lang)} ${du.unit}`);
    const model = buildChartModel(main ?? emptySeries(this.station.id, parameter, view), parameter, {
      factor: du.factor,
      showFailed: view.showFailed,
      rollingWindowMs: view.rollingWindowMs,
      labels,
      standards: ctx.catalog.standardsAt(this.station.id, parameter.code, view.to),
      referencesShown: this.referencesShown,
      sensorLabel: several && main ? legendName(main.sensor) : undefined,
      sensorIndex: main ? indexOf(main.sensor) : 0,
      others: others.map((s) => ({ series: s, index: indexOf(s.sensor), label: legendName(s.sensor) })),
    });
    const shownSensors = shown.map((s) => sensorOf(s.sensor)).filter((s): s is Sensor => s !== undefined);
    const notSensitive = (line: StandardLine) => insensitiveSensors(line, shownSensors, du.factor);
    const intervalMs = shown[0]?.intervalMs ?? null;
    const textContext = { t, lang: ctx.lang, zone: view.zone, unit: ctx.p.unit };
    const lab =
      this.lab.length > 0
        ? labDataset(this.lab, { factor: du.factor, label: t("lab.chart.legend"), hidden: this.labHidden, uncertaintyText: (r) => uncertaintyText(r, textContext) })
        : undefined;
    const labRange = labExtent(lab);
    const overlay = this.preview ? previewDatasets(this.preview, du.factor, { raw: t("review.previewRaw"), corrected: t("review.previewCorrected") }) : [];
    this.chart.render({
      datasets: [...model.datasets, ...(lab ? [lab] : []), ...overlay],
      approvals: main ? approvalSegments(main.points, view.to) : [],
      maintenance: this.maintenance.bands(),
      from: view.from,
      to: view.to,
      zone: view.zone,
      locale: ctx.locale,
      yTitle: du.unit,
      xTitle: view.zoneLabel,
      suggestedMin: labRange.min === undefined || this.labHidden ? model.suggestedMin : Math.min(model.suggestedMin ?? labRange.min, labRange.min, 0),
      suggestedMax: labRange.max === undefined || this.labHidden ? model.suggestedMax : Math.max(model.suggestedMax ?? 0, labRange.max * 1.05),
      standards: model.standards.map((s) => ({
        value: s.value,
        colour: s.colour,
        dash: s.dash,
        // On a narrow chart the line's label leaves the sources to the list below, keeping the sensitivity note.
        label: `${standardLabel(this.ctx, s, fmt, view.requestedWidth < 560 && notSensitive(s).length > 0)}${notSensitive(s).length > 0 ? ` — ${t("chart.notSensitive")}` : ""}`,
      })),
      describe: (p, role, label) => (role === "lab" && p.lab ? labTooltip(p.lab, du.unit, textContext) : describePoint(this.ctx, p, role, label, fmt, intervalMs, view.rollingWindowMs)),
      ariaLabel: t("chart.label", { parameter: parameterName(ctx, parameter.code), station: stationName(ctx, this.station.id) }),
      onLegendToggle: (ds, visible) => {
        if (ds.role === "lab") this.labHidden = !visible;
      },
    });

    const first = series[0];
    const resolution =
      !first || first.resolution === "raw"
        ? t("chart.resolution.raw")
        : t("chart.resolution.aggregate", { interval: formatDuration(first.intervalMs ?? 0, t) });
    const failedNote = model.failedHidden > 0 ? ` · ${t("chart.failedHidden", { count: model.failedHidden })}` : "";
    this.meta.textContent = `${resolution} · ${t("chart.points", { count: model.pointCount })}${failedNote}`;
    const empty = shown.every((s) => s.points.length === 0);
    // Data below the release level carry the label on the chart itself (USGS provisional-data policy).
    this.provisional.hidden = !shown.some((s) => s.points.some((p) => p.provisional));
    this.empty.hidden = !empty;
    this.empty.textContent = t("state.noData");
    Object.assign(this.element.dataset, {
      points: String(model.pointCount),
      width: String(view.requestedWidth),
      resolution: first?.resolution ?? "raw",
      lastT: model.lastTime !== undefined ? String(model.lastTime) : "",
      standards: String(model.standards.length),
      sensorsShown: shown.map((s) => s.sensor).join(","),
      labResults: String(lab?.data.length ?? 0),
      preview: this.preview ? String(this.preview.corrected.length) : "",
      estimated: String(shown.reduce((n, s) => n + s.points.filter((p) => p.estimated).length, 0)),
      approvals: main ? [...new Set(main.points.map((p) => p.approval ?? "raw"))].join(",") : "",
      maintenance: String(this.maintenance.count),
    });
    this.maintenance.update(view.zone);
    this.element.setAttribute("aria-busy", "false");
    this.renderStandards(model.lines, model.offScale, fmt, notSensitive);
  }

  /** The lab results of this parameter at the station over the view (drawn as their own series). */
  setLab(results: readonly LabResultInfo[]): void {
    this.lab = results;
    this.rerender();
  }

  /** The station's maintenance windows over the view (shaded; those of other parameters are left out). */
  setMaintenance(windows: readonly MaintenanceWindow[]): void {
    this.maintenance.set(windows);
    this.rerender();
  }

  /** The latest reading of one of the sensors (any QC flag, as the station sent it), independent of the chart's resolution. */
  setLatest(reading: Reading | undefined, zone: string | undefined): void {
    this.zone = zone;
    if (reading) {
      const previous = this.latestBySensor.get(reading.sensor);
      if (!previous || previous.time <= reading.time) this.latestBySensor.set(reading.sensor, reading);
    }
    this.renderLatest();
  }

  /** Shows a correction's preview over the chart, or removes it (undefined). */
  setPreview(preview: PreviewResponse | undefined): void {
    this.preview = preview;
    this.rerender();
  }

  destroy(): void {
    this.chart.destroy();
  }

  /** Researchers go from a compound's chart to the validation of its sensors against the lab. */
  private validationLink(): HTMLElement | null {
    if (!roleAtLeast(this.ctx.session.role, "researcher") || this.parameter.group !== "pharmaceutical") return null;
    const q = new URLSearchParams({ station: this.station.id, parameter: this.parameter.code });
    return h("a", { class: "panel-validate", href: validationHref(q) }, this.ctx.t("lab.validateSensors"));
  }

  private labelOf(sensorId: string): string {
    const sensor = this.sensors.find((s) => s.id === sensorId);
    return sensor ? sensorLabel(sensor) : sensorId;
  }

  private renderLatest(): void {
    const { ctx, parameter } = this;
    const line = (reading: Reading) => {
      const flagged = reading.qc === QC.suspect || reading.qc === QC.fail ? ` (QC ${reading.qc} ${ctx.t(`qc.${reading.qc}` as MessageKey)})` : "";
      const qc = reading.maintenance ? ` (${ctx.t("maint.latest")})` : flagged;
      const provisional = (reading as Partial<ReviewedReading>).provisional ? ` · ${ctx.t("value.provisional")}` : "";
      return (
        ctx.t("station.latest", {
          value: formatReadingValue(reading, parameter.unit, ctx.p.unit, ctx.lang, ctx.t),
          time: formatDateTime(reading.time, ctx.lang, this.zone),
        }) +
        qc +
        provisional
      );
    };
    const readings = this.sensors.map((s) => this.latestBySensor.get(s.id)).filter((r): r is Reading => r !== undefined);
    if (this.sensors.length <= 1) {
      this.latest.textContent = readings[0] ? line(readings[0]) : "";
      return;
    }
    this.latest.replaceChildren(
      ...readings.map((r) => h("span", { class: "latest-sensor", "data-sensor": r.sensor }, line(r), h("span", { class: "sensor-id" }, ` · ${r.sensor}`))),
    );
  }

  private sensorPicker(): HTMLElement {
    const { t } = this.ctx;
    return h(
      "fieldset",
      { class: "sensor-picker", "data-testid": "sensor-picker" },
      h("legend", {}, t("chart.sensors")),
      ...this.sensors.map((sensor, i) =>
        h(
          "label",
          { class: "check", title: sensor.method },
          h("span", { class: "swatch", style: `border-color:${sensorLineStyle(i).colour};border-top-style:${i === 0 ? "solid" : "dashed"}`, "aria-hidden": "true" }),
          h("input", {
            type: "checkbox",
            name: `sensor-${this.parameter.code}`,
            value: sensor.id,
            checked: true,
            onchange: (e: Event) => {
              if ((e.target as HTMLInputElement).checked) this.hiddenSensors.delete(sensor.id);
              else this.hiddenSensors.add(sensor.id);
              this.rerender();
            },
          }),
          ` ${sensorLabel(sensor)}`,
        ),
      ),
    );
  }

  private rerender(): void {
    if (this.last) this.render(this.last.series, this.last.view);
  }

  private renderStandards(all: StandardLine[], offScale: StandardLine[], fmt: (v: number) => string, notSensitive: (line: StandardLine) => Sensor[]): void {
    const { t } = this.ctx;
    const du = displayUnit(this.parameter.unit, this.ctx.p.unit);
    const sensitivityNote = (s: StandardLine) => {
      const coarse = notSensitive(s);
      if (coarse.length === 0) return null;
      const why = coarse
        .map((sensor) => t("chart.notSensitiveWhy", { sensor: sensor.id, limitKind: t(sensor.loq !== null ? "limit.LOQ" : "limit.LOD"), limit: fmt((sensor.loq ?? sensor.lod)! * du.factor) }))
        .join("; ");
      return h("em", { class: "not-sensitive", "data-testid": "not-sensitive", title: why }, ` — ${t("chart.notSensitive")} (${why})`);
    };
    if (all.length === 0) {
      // The catalog may hold standards for the parameter that set no limit here (a GB 3838 class limit at a station without a target class).
      const none = this.ctx.catalog.standardsOf(this.parameter.code).length > 0 ? "chart.noStandardsHere" : "chart.noStandards";
      this.standardsList.replaceChildren(h("p", { class: "muted" }, t(none)));
      return;
    }
    const off = new Set(offScale.map((s) => s.key));
    const swatch = (s: StandardLine) =>
      h("span", { class: `swatch swatch-${s.reference || !s.applicable ? "ref" : s.kind}`, style: `border-color:${s.colour}`, "aria-hidden": "true" });
    const item = (s: StandardLine) =>
      h(
        "li",
        { "data-kind": s.kind, "data-legal": s.entries.map((e) => e.legalStatus).join(" "), "data-sources": s.entries.map((e) => e.source).join(" ") },
        swatch(s),
        standardLabel(this.ctx, s, fmt),
        s.reference ? h("em", {}, ` (${t("chart.reference")})`) : null,
        off.has(s.key) ? h("em", {}, ` (${t("chart.offScale")} ↑)`) : null,
        sensitivityNote(s),
      );
    const references = all.filter((s) => !s.applicable);
    const toggle = (s: StandardLine) =>
      h(
        "li",
        { "data-kind": s.kind, "data-reference": "elsewhere", "data-sources": s.entries.map((e) => e.source).join(" ") },
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            name: `reference-${this.parameter.code}`,
            value: s.key,
            checked: this.referencesShown.has(s.key),
            onchange: (e: Event) => {
              if ((e.target as HTMLInputElement).checked) this.referencesShown.add(s.key);
              else this.referencesShown.delete(s.key);
              this.rerender();
            },
          }),
          " ",
          swatch(s),
          standardLabel(this.ctx, s, fmt),
          off.has(s.key) ? h("em", {}, ` (${t("chart.offScale")} ↑)`) : null,
          sensitivityNote(s),
        ),
      );
    const sources = [...new Set(all.flatMap((s) => s.entries.map((e) => e.source)))];
    const applicable = all.filter((s) => s.applicable);
    this.standardsList.replaceChildren(
      h("h3", { class: "sr-only" }, t("chart.standards")),
      applicable.length > 0
        ? h("ul", { class: "standard-list", "aria-label": t("chart.standards") }, ...applicable.map(item))
        : h("p", { class: "muted" }, t("chart.noStandardsHere")),
      references.length > 0
        ? h(
            "fieldset",
            { class: "reference-lines", "data-testid": "reference-lines" },
            h("legend", {}, t("chart.referenceStandards")),
            h("ul", { class: "reference-list" }, ...references.map(toggle)),
          )
        : "",
      h(
        "details",
        { class: "sources" },
        h("summary", {}, `${t("chart.standards")}: ${sources.join(", ")}`),
        h("dl", {}, ...sources.flatMap((k) => [h("dt", {}, k), h("dd", {}, this.ctx.catalog.source(k)?.citation ?? "")])),
      ),
    );
  }
}
