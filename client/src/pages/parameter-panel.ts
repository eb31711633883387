// One parameter's figure on the station page: heading with unit, resolution and latest value,
// the chart, and the list of quality standards with their sources.
import type { SeriesResponse } from "../../../common/api-types.ts";
import type { Parameter, Station } from "../../../common/catalog.ts";
import { buildChartModel, type ChartLabels, type PlotPoint, type PointRole } from "../charts/datasets.ts";
import { SeriesChart } from "../charts/series-chart.ts";
import type { StandardLine } from "../charts/standard-lines.ts";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { QC, type Reading } from "../../../common/reading.ts";
import { displayUnit, formatDateTime, formatDuration, formatNumber, formatReadingValue } from "../format.ts";
import type { MessageKey } from "../i18n/index.ts";

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

  constructor(
    private readonly ctx: AppContext,
    private readonly station: Station,
    readonly parameter: Parameter,
    onZoom: (from: number, to: number) => void,
  ) {
    const { t } = ctx;
    const unit = displayUnit(parameter.unit, ctx.p.unit).unit;
    this.chart = new SeriesChart({ onZoom });
    this.meta = h("span", { class: "panel-meta" });
    this.latest = h("span", { class: "panel-latest", "data-testid": "latest" });
    this.empty = h("p", { class: "chart-empty", hidden: true }, t("state.noData"));
    this.standardsList = h("div", { class: "standards" });
    const headingId = `panel-${parameter.code}`;
    this.element = h(
      "figure",
      { class: "panel", "data-parameter": parameter.code, "aria-labelledby": headingId, "aria-busy": "true" },
      h(
        "figcaption",
        {},
        h("h2", { id: headingId }, parameter.name, h("span", { class: "unit" }, ` (${unit})`)),
        h("div", { class: "panel-info" }, this.latest, this.meta),
      ),
      h("div", { class: "chart-wrap" }, this.chart.element, this.empty),
      this.standardsList,
    );
  }

  showError(message: string): void {
    this.element.setAttribute("aria-busy", "false");
    this.empty.hidden = false;
    this.empty.textContent = this.ctx.t("state.error", { error: message });
  }

  render(series: SeriesResponse, view: PanelView): void {
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
      rollingMean: t("chart.rollingMean", { window: formatDuration(view.rollingWindowMs, t) }),
    };
    const model = buildChartModel(series, parameter, {
      factor: du.factor,
      showFailed: view.showFailed,
      rollingWindowMs: view.rollingWindowMs,
      labels,
    });
    const fmt = (v: number) => (du.unit === "pH" ? `pH ${formatNumber(v, ctx.lang)}` : `${formatNumber(v, ctx.lang)} ${du.unit}`);
    this.chart.render({
      datasets: model.datasets,
      from: view.from,
      to: view.to,
      zone: view.zone,
      locale: ctx.locale,
      yTitle: du.unit,
      xTitle: view.zoneLabel,
      suggestedMin: model.suggestedMin,
      suggestedMax: model.suggestedMax,
      standards: model.standards.map((s) => ({ value: s.value, colour: s.colour, dash: s.dash, label: this.standardLabel(s, fmt) })),
      describe: (p, role, label) => this.describePoint(p, role, label, fmt),
      ariaLabel: t("chart.label", { parameter: parameter.name, station: this.station.name }),
    });

    const resolution =
      series.resolution === "raw"
        ? t("chart.resolution.raw")
        : t("chart.resolution.aggregate", { interval: formatDuration(series.intervalMs ?? 0, t) });
    const failedNote = model.failedHidden > 0 ? ` · ${t("chart.failedHidden", { count: model.failedHidden })}` : "";
    this.meta.textContent = `${resolution} · ${t("chart.points", { count: model.pointCount })}${failedNote}`;
    this.empty.hidden = series.points.length > 0;
    this.empty.textContent = t("state.noData");
    Object.assign(this.element.dataset, {
      points: String(model.pointCount),
      width: String(view.requestedWidth),
      resolution: series.resolution,
      lastT: model.lastTime !== undefined ? String(model.lastTime) : "",
      standards: String(model.standards.length),
    });
    this.element.setAttribute("aria-busy", "false");
    this.renderStandards(model.standards, model.offScale, fmt);
  }

  /** The latest reading (any QC flag, as the station sent it), independent of the chart's resolution. */
  setLatest(reading: Reading | undefined, zone: string | undefined): void {
    const { ctx, parameter } = this;
    if (!reading) {
      this.latest.textContent = "";
      return;
    }
    const qc = reading.qc === QC.suspect || reading.qc === QC.fail ? ` (QC ${reading.qc} ${ctx.t(`qc.${reading.qc}` as MessageKey)})` : "";
    this.latest.textContent =
      ctx.t("station.latest", {
        value: formatReadingValue(reading, parameter.unit, ctx.p.unit, ctx.lang, ctx.t),
        time: formatDateTime(reading.time, ctx.lang, zone),
      }) + qc;
  }

  destroy(): void {
    this.chart.destroy();
  }

  private standardLabel(s: StandardLine, fmt: (v: number) => string): string {
    const kind = this.ctx.t(`std.${s.kind}` as MessageKey);
    const bound = s.bound ? ` ${this.ctx.t(`std.bound.${s.bound}`)}` : "";
    return `${kind}${bound} ${fmt(s.value)} · ${s.sources.join(", ")}`;
  }

  private renderStandards(onScale: StandardLine[], offScale: StandardLine[], fmt: (v: number) => string): void {
    const { t, sources } = this.ctx;
    if (onScale.length + offScale.length === 0) {
      this.standardsList.replaceChildren(h("p", { class: "muted" }, t("chart.noStandards")));
      return;
    }
    const item = (s: StandardLine, off: boolean) =>
      h(
        "li",
        { "data-kind": s.kind },
        h("span", { class: `swatch swatch-${s.reference ? "ref" : s.kind}`, style: `border-color:${s.colour}`, "aria-hidden": "true" }),
        this.standardLabel(s, fmt),
        s.reference ? h("em", {}, ` (${t("chart.reference")})`) : null,
        off ? h("em", {}, ` (${t("chart.offScale")} ↑)`) : null,
      );
    const keys = [...new Set([...onScale, ...offScale].flatMap((s) => s.sources))];
    this.standardsList.replaceChildren(
      h("h3", { class: "sr-only" }, t("chart.standards")),
      h("ul", { class: "standard-list", "aria-label": t("chart.standards") }, ...onScale.map((s) => item(s, false)), ...offScale.map((s) => item(s, true))),
      h(
        "details",
        { class: "sources" },
        h("summary", {}, `${t("chart.standards")}: ${keys.join(", ")}`),
        h("dl", {}, ...keys.flatMap((k) => [h("dt", {}, k), h("dd", {}, sources[k] ?? "")])),
      ),
    );
  }

  private describePoint(p: PlotPoint, role: PointRole, label: string, fmt: (v: number) => string): string {
    const { t } = this.ctx;
    if (p.y === null) return label;
    const qc = p.qc !== undefined ? ` · QC ${p.qc} ${t(`qc.${p.qc}` as MessageKey)}` : "";
    if (role === "belowLod") return `${t("value.belowLod", { lod: fmt(p.lod ?? p.y) })}${qc}`;
    if (role === "max") return `${label}: ${p.min != null ? fmt(p.min) : "–"} – ${p.max != null ? fmt(p.max) : "–"}`;
    const n = p.n !== undefined ? ` · n=${p.n}` : "";
    return `${label}: ${fmt(p.y)}${qc}${n}`;
  }
}
