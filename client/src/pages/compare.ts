// Compare view (#/compare): one compound across several stations (e.g. carbamazepine along the
// Elbe) or several compounds at one station, optionally normalised. A station's further sensors of a
// compound (a prototype beside the primary sensor) can be picked as series of their own: entries are
// "STATION" / "PARAMETER" for the primary sensor, "STATION:SENSOR" / "PARAMETER:SENSOR" for another.
// QC-suspect values are marked as on the station page. Several stations are several zones: the
// chart is in the viewer's zone (browser or UTC), named on the axis. State lives in the URL query.
import type { SeriesResponse } from "../../../common/api-types.ts";
import type { Reading } from "../../../common/reading.ts";
import { buildCompareDatasets } from "../charts/compare-datasets.ts";
import { SeriesChart } from "../charts/series-chart.ts";
import { exportButton } from "../components/export-button.ts";
import { rangeBar } from "../components/range-bar.ts";
import { checkPicker, PLAIN_LIST_MAX } from "../components/check-picker.ts";
import type { SeriesRequest } from "../api.ts";
import { parameterName, sensorLabel, stationName, type AppContext, type Page } from "../context.ts";
import { h } from "../dom.ts";
import { displayUnit, formatNumber, meanDescription } from "../format.ts";
import type { MessageKey } from "../i18n/index.ts";
import { isFollowingNow, parseRangeQuery, PRESET_MS, resolveRange, writeRangeQuery, type TimeRange } from "../range.ts";
import { compareHref, replaceQuery } from "../router.ts";
import { listZone, zoneName } from "../state.ts";
import { livePoint, mergePoints, trimBefore } from "../series-data.ts";
import type { LabResultInfo, LabResultsChanged } from "../../../common/lab.ts";
import { labDataset } from "../charts/lab-overlay.ts";
import { SERIES_COLOURS } from "../charts/palette.ts";
import type { LineDataset } from "../charts/datasets.ts";
import { labTooltip, uncertaintyText } from "../components/lab-text.ts";
import { LabApi } from "../lab-api.ts";

type Mode = "stations" | "parameters";

export function comparePage(ctx: AppContext, query: URLSearchParams): Page {
  const { t } = ctx;
  let mode: Mode = query.get("mode") === "parameters" ? "parameters" : "stations";
  const { catalog } = ctx;
  let parameter = catalog.parameter(query.get("parameter") ?? "") ? query.get("parameter")! : "carbamazepine";
  let station = catalog.station(query.get("station") ?? "") ? query.get("station")! : (catalog.stations[0]?.id ?? "");
  let stations = query.get("stations")?.split(",") ?? catalog.riverStations("elbe").map((s) => s.id);
  let parameters = query.get("parameters")?.split(",") ?? ["carbamazepine", "diclofenac", "sulfamethoxazole"];
  let normalised = query.get("norm") === "1";
  let range: TimeRange = parseRangeQuery(query, "7d");
  const zone = listZone(ctx.p.zone);

  const chart = new SeriesChart({
    height: 340,
    onZoom: (from, to) => {
      range = { key: "custom", from, to };
      update();
    },
  });
  const controls = h("div", { class: "compare-controls" });
  const status = h("p", { class: "state-loading", role: "status" });
  const figure = h("figure", { class: "panel compare-panel" }, chart.element);
  const labNote = h("p", { class: "muted", hidden: true }, t("lab.chart.hiddenNormalised"));
  const exportEntry = exportButton(ctx, () => ({
    stations: [...new Set(pairs().map((p) => p.station))],
    parameters: [...new Set(pairs().map((p) => p.parameter))],
    ...resolveRange(range, Date.now()),
    zone,
  }));
  const element = h(
    "section",
    { class: "compare", "aria-labelledby": "compare-h" },
    h("h1", { id: "compare-h" }, t("compare.heading")),
    exportEntry.element,
    controls,
    status,
    figure,
    labNote,
  );
  let data: SeriesResponse[] = [];
  let lab: LabResultInfo[] = [];
  /** station\tparameter of lab series the reader switched off in the legend. */
  const labHidden = new Set<string>();
  const labApi = new LabApi(ctx.api);
  let seq = 0;
  let view = resolveRange(range, Date.now());

  /** A picked entry as a series request, or undefined when the catalog has no such series. */
  const request = (entry: string): SeriesRequest | undefined => {
    const [first = "", sensor] = entry.split(":");
    const req = mode === "stations" ? { station: first, parameter } : { station, parameter: first };
    if (!catalog.measures(req.station, req.parameter)) return undefined;
    if (sensor === undefined) return req;
    return catalog.sensorsOf(req.station, req.parameter).some((s) => s.id === sensor) ? { ...req, sensor } : undefined;
  };
  const pairs = (): SeriesRequest[] =>
    (mode === "stations" ? stations : parameters).map(request).filter((r): r is SeriesRequest => r !== undefined);

  /** The series one may pick: the primary sensor of each station (or parameter), then its other sensors. */
  function seriesItems(): Array<[string, string]> {
    return seriesEntries().map((e) => [e.value, e.label]);
  }

  function seriesEntries(): Array<{ value: string; label: string; station: string }> {
    const entries = mode === "stations" ? catalog.stations.map((s) => ({ station: s.id, parameter, key: s.id, name: stationName(ctx, s.id) })) : catalog.parametersOf(station).map((p) => ({ station, parameter: p.code, key: p.code, name: parameterName(ctx, p.code) }));
    const items: Array<{ value: string; label: string; station: string }> = [];
    for (const e of entries) {
      const sensors = catalog.sensorsOf(e.station, e.parameter);
      if (sensors.length === 0) continue;
      const primary = catalog.defaultSensor(e.station, e.parameter, Date.now());
      items.push({ value: e.key, label: e.name, station: e.station });
      for (const s of sensors) if (s.id !== primary?.id) items.push({ value: `${e.key}:${s.id}`, label: `${e.name} · ${sensorLabel(s)}`, station: e.station });
    }
    return items;
  }

  function saveQuery(): void {
    const q = new URLSearchParams({ mode, parameter, station, stations: stations.join(","), parameters: parameters.join(",") });
    if (normalised) q.set("norm", "1");
    writeRangeQuery(q, range);
    replaceQuery(compareHref(q));
  }

  /** A choice in the picker: load again, but keep the controls (and the picker's search) as they are. */
  function saveQueryAndLoad(): void {
    saveQuery();
    ctx.live.setStations([...new Set(pairs().map((p) => p.station))]);
    void load();
  }

  function update(): void {
    saveQuery();
    ctx.live.setStations([...new Set(pairs().map((p) => p.station))]);
    renderControls();
    void load();
  }

  function radio(value: Mode, key: MessageKey): HTMLElement {
    return h(
      "label",
      { class: "check" },
      h("input", { type: "radio", name: "compare-mode", value, checked: mode === value, onchange: () => ((mode = value), update()) }),
      ` ${t(key)}`,
    );
  }

  function checkboxes(name: string, items: Array<[string, string]>, selected: string[], set: (v: string[]) => void): HTMLElement {
    return h(
      "div",
      { class: "check-list" },
      ...items.map(([value, label]) =>
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            name,
            value,
            checked: selected.includes(value),
            onchange: (e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              set(on ? [...selected, value] : selected.filter((v) => v !== value));
              update();
            },
          }),
          ` ${label}`,
        ),
      ),
    );
  }

  function singleSelect(label: string, name: string, items: Array<[string, string]>, value: string, set: (v: string) => void): HTMLElement {
    const sel = h("select", { name, onchange: (e: Event) => (set((e.target as HTMLSelectElement).value), update()) });
    for (const [v, text] of items) sel.append(h("option", { value: v, selected: v === value }, text));
    return h("label", { class: "setting" }, h("span", { class: "setting-label" }, label), sel);
  }

  function renderControls(): void {
    const stationItems: Array<[string, string]> = catalog.stations.map((s) => [s.id, stationName(ctx, s.id)]);
    const parameterItems: Array<[string, string]> = catalog.parameters.map((p) => [p.code, parameterName(ctx, p.code)]);
    controls.replaceChildren(
      h("fieldset", { class: "mode" }, h("legend", {}, t("compare.mode")), radio("stations", "compare.mode.stations"), radio("parameters", "compare.mode.parameters")),
      mode === "stations"
        ? h(
            "div",
            { class: "control-row" },
            singleSelect(t("compare.parameter"), "parameter", parameterItems, parameter, (v) => (parameter = v)),
            // A large network: the station search and filters, and the first matches.
            seriesEntries().length > PLAIN_LIST_MAX
              ? checkPicker(ctx, { name: "stations", legend: t("compare.stations"), items: seriesEntries(), selected: stations, onChange: (v) => ((stations = v), saveQueryAndLoad()) }).element
              : h("fieldset", {}, h("legend", {}, t("compare.stations")), checkboxes("stations", seriesItems(), stations, (v) => (stations = v))),
          )
        : h(
            "div",
            { class: "control-row" },
            singleSelect(t("compare.station"), "station", stationItems, station, (v) => (station = v)),
            h("fieldset", {}, h("legend", {}, t("compare.parameters")), checkboxes("parameters", seriesItems(), parameters, (v) => (parameters = v))),
          ),
      h(
        "label",
        { class: "check" },
        h("input", { type: "checkbox", name: "normalise", checked: normalised, onchange: (e: Event) => ((normalised = (e.target as HTMLInputElement).checked), update()) }),
        ` ${t("compare.normalise")}`,
      ),
      rangeBar(range, zone, t, ctx.lang, (next) => ((range = next), update())),
    );
  }

  function render(): void {
    const units = [...new Set(data.map((s) => displayUnit(s.unit, ctx.p.unit).unit))];
    const label = (s: SeriesResponse) => {
      const name = mode === "stations" ? stationName(ctx, s.station) : parameterName(ctx, s.parameter);
      const primary = catalog.defaultSensor(s.station, s.parameter, Date.now());
      const sensor = catalog.sensor(s.sensor);
      if (primary?.id === s.sensor || !sensor) return name;
      // Chart.js legends do not wrap: on a narrow chart the sensor goes by its id (the list above names it in full).
      return `${name} · ${chart.plotWidth() >= 560 ? sensorLabel(sensor) : sensor.id}`;
    };
    const datasets = buildCompareDatasets(
      data.map((s) => ({ label: label(s), points: s.points, factor: displayUnit(s.unit, ctx.p.unit).factor })),
      normalised,
      { suspect: t("chart.suspect") },
    );
    const intervalMs = data.find((s) => s.intervalMs !== null)?.intervalMs ?? null;
    const textContext = { t, lang: ctx.lang, zone, unit: ctx.p.unit };
    // Lab results of each station × compound shown, in the colour of its (first) series; not on a normalised axis.
    const labSets: LineDataset[] = [];
    if (!normalised) {
      const seen = new Set<string>();
      data.forEach((s, i) => {
        const key = `${s.station}\t${s.parameter}`;
        const results = lab.filter((r) => r.sample.station === s.station && r.parameter === s.parameter);
        if (seen.has(key) || results.length === 0) return;
        seen.add(key);
        const name = mode === "stations" ? stationName(ctx, s.station) : parameterName(ctx, s.parameter);
        const ds = labDataset(results, {
          factor: displayUnit(s.unit, ctx.p.unit).factor,
          label: t("lab.chart.legendAt", { name }),
          colour: SERIES_COLOURS[i % SERIES_COLOURS.length],
          hidden: labHidden.has(key),
          uncertaintyText: (r) => uncertaintyText(r, textContext),
        });
        labSets.push(Object.assign(ds, { labKey: key }));
      });
    }
    labNote.hidden = !(normalised && lab.length > 0);
    chart.render({
      datasets: [...datasets, ...labSets],
      from: view.from,
      to: view.to,
      zone,
      locale: ctx.locale,
      yTitle: normalised ? t("compare.normalised") : units.join(", "),
      xTitle: zoneName(zone),
      suggestedMin: normalised ? 0 : undefined,
      suggestedMax: normalised ? 1 : undefined,
      standards: [],
      describe: (p, role, name) => {
        if (role === "lab" && p.lab) return labTooltip(p.lab, units.length === 1 ? units[0]! : "", textContext);
        const value = `${p.y === null ? "–" : formatNumber(p.y, ctx.lang)}${normalised ? "" : ` ${units.length === 1 ? units[0] : ""}`}`.trim();
        // An aggregate point is a mean: say over what and of how many values.
        const mean = p.n !== undefined && intervalMs !== null ? ` (${meanDescription(intervalMs, p.n, t, ctx.lang)})` : "";
        return role === "suspect" ? `${p.series ?? ""}: ${value}${mean} · ${name}` : `${name}: ${value}${mean}`;
      },
      onLegendToggle: (ds, visible) => {
        const key = (ds as LineDataset & { labKey?: string }).labKey;
        if (key === undefined) return;
        if (visible) labHidden.delete(key);
        else labHidden.add(key);
      },
      ariaLabel: `${t("compare.heading")}: ${datasets.filter((d) => d.role !== "suspect").map((d) => d.label).join(", ")}`,
    });
    figure.dataset.series = String(datasets.filter((d) => d.role !== "suspect").length);
    figure.dataset.suspect = String(datasets.find((d) => d.role === "suspect")?.data.length ?? 0);
  }

  async function load(): Promise<void> {
    const my = ++seq;
    view = resolveRange(range, Date.now());
    if (pairs().length === 0) {
      status.hidden = false;
      status.textContent = t("compare.pickOne");
      data = [];
      render();
      return;
    }
    status.hidden = false;
    status.className = "state-loading";
    status.textContent = t("state.loading");
    try {
      const [list, labList] = await Promise.all([ctx.api.seriesMulti(pairs(), { from: view.from, to: view.to, width: chart.plotWidth() }), labResults()]);
      if (my !== seq) return;
      data = list;
      lab = labList;
      status.hidden = list.some((s) => s.points.length > 0);
      status.textContent = status.hidden ? "" : t("state.noData");
      render();
    } catch (err) {
      if (my !== seq) return;
      status.className = "state-error";
      status.replaceChildren(t("state.error", { error: err instanceof Error ? err.message : String(err) }), " ", h("button", { type: "button", onclick: () => void load() }, t("state.retry")));
    }
  }

  /** Lab results are an overlay: the chart stands without them when they cannot be read. */
  function labResults(): Promise<LabResultInfo[]> {
    const shown = pairs();
    return labApi
      .results({ stations: [...new Set(shown.map((p) => p.station))], parameters: [...new Set(shown.map((p) => p.parameter))], from: view.from, to: view.to })
      .catch(() => []);
  }

  function onLabResults(change: LabResultsChanged): void {
    const shown = pairs();
    if (!shown.some((p) => change.stations.includes(p.station) && change.parameters.includes(p.parameter))) return;
    if (change.to < view.from || change.from > view.to) return;
    const my = seq;
    void labResults().then((list) => {
      if (my !== seq) return;
      lab = list;
      render();
    });
  }

  function onReadings(batch: Reading[]): void {
    if (!isFollowingNow(range) || range.key === "custom") return;
    let touched = false;
    for (const r of batch) {
      const s = data.find((d) => d.station === r.station && d.parameter === r.parameter && d.sensor === r.sensor && d.resolution === "raw");
      if (!s) continue;
      mergePoints(s.points, [livePoint(r)]);
      touched = true;
    }
    if (!touched) return;
    const now = Date.now();
    view = { from: now - PRESET_MS[range.key], to: now };
    for (const s of data) trimBefore(s.points, view.from);
    render();
  }

  renderControls();
  requestAnimationFrame(() => void load());
  return {
    element,
    get stations() {
      return [...new Set(pairs().map((p) => p.station))];
    },
    onReadings,
    onResync: () => void load(),
    onLabResults,
    destroy() {
      seq++;
      exportEntry.destroy();
      chart.destroy();
    },
  };
}
