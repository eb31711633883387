// Station page (#/station/<id>): one chart per chosen parameter over the chosen time range (every
// sensor of the parameter at the station on it), with live appends, drag-to-zoom, and a toggle for
// failed (QC 4) values. State lives in the URL query.
import { stationLoads } from "../assessment/station-loads.ts";
import type { SeriesResponse } from "../../../common/api-types.ts";
import type { Parameter } from "../../../common/catalog-model.ts";
import type { Reading } from "../../../common/reading.ts";
import type { SeriesRequest } from "../api.ts";
import { exportButton } from "../components/export-button.ts";
import { rangeBar } from "../components/range-bar.ts";
import { regionName, riverName, stationName, type AppContext, type Page } from "../context.ts";
import { h } from "../dom.ts";
import { isFollowingNow, parseRangeQuery, PRESET_MS, resolveRange, writeRangeQuery, type TimeRange } from "../range.ts";
import { replaceQuery, stationHref } from "../router.ts";
import { resolveZone } from "../state.ts";
import { rollingWindowFor } from "../stats.ts";
import { livePoint, mergePoints, trimBefore } from "../series-data.ts";
import { formatNumber } from "../format.ts";
import { roleAtLeast } from "../auth-api.ts";
import { ParameterPanel } from "./parameter-panel.ts";
import { LabApi } from "../lab-api.ts";
import type { LabResultInfo, LabResultsChanged } from "../../../common/lab.ts";
import { ReviewTools } from "./review-tools.ts";
import { parameterPicker } from "./parameter-picker.ts";
import { MaintenanceApi } from "../maintenance-api.ts";
import { maintenanceBanner } from "../components/maintenance-text.ts";
import type { MaintenanceWindow } from "../../../common/maintenance.ts";

export const DEFAULT_PARAMETERS = ["carbamazepine", "diclofenac", "ibuprofen", "sulfamethoxazole", "ph", "dissolved_oxygen"];
/** While following now, aggregated views are re-fetched at most this often on live data. */
const AGGREGATE_REFRESH_MS = 30_000;

export function stationPage(ctx: AppContext, stationId: string, query: URLSearchParams): Page {
  const { t } = ctx;
  const station = ctx.catalog.station(stationId);
  if (!station) {
    return {
      element: h("section", {}, h("p", { class: "state-error", role: "alert" }, t("state.notFound", { id: stationId })), h("a", { href: "#/" }, t("station.back"))),
      stations: [],
      destroy: () => undefined,
    };
  }
  let range: TimeRange = parseRangeQuery(query);
  let showFailed = query.get("failed") === "1";
  const chosen = (query.get("p")?.split(",") ?? DEFAULT_PARAMETERS).filter((c) => ctx.catalog.measures(station.id, c));
  const zone = resolveZone(ctx.p.zone, station.timezone);
  const zoneLabel = zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  /** parameter\tsensor → series */
  const series = new Map<string, SeriesResponse>();
  const seriesKey = (parameter: string, sensor: string) => `${parameter}\t${sensor}`;
  const latest = new Map<string, Reading>();
  /** Every sensor of each chosen parameter at the station: the series the page loads. */
  const requests = (): SeriesRequest[] =>
    chosen.flatMap((parameter) => ctx.catalog.sensorsOf(station!.id, parameter).map((s) => ({ station: station!.id, parameter, sensor: s.id })));
  let panels: ParameterPanel[] = [];
  let view = resolveRange(range, Date.now());
  let requestedWidth = 0;
  let loadSeq = 0;
  let aggregateTimer: ReturnType<typeof setTimeout> | undefined;
  const labApi = new LabApi(ctx.api);
  /** Lab results are an overlay: the charts stand without them when they cannot be read. */
  const labResults = () => labApi.results({ stations: [station.id], parameters: chosen, from: view.from, to: view.to }).catch((): LabResultInfo[] => []);
  const showLab = (results: readonly LabResultInfo[]) => {
    for (const p of panels) p.setLab(results.filter((r) => r.parameter === p.parameter.code));
  };

  // Maintenance: a banner for windows going on or planned, and the windows over the view shaded on the charts.
  const maintenanceApi = new MaintenanceApi(ctx.api);
  const maintenanceEl = h("div", { class: "maint-slot" });
  let maintenance: MaintenanceWindow[] = [];
  async function loadMaintenance(): Promise<void> {
    const seq = loadSeq;
    const [current, shown] = await Promise.all([
      maintenanceApi.current(station!.id).catch((): MaintenanceWindow[] => []),
      maintenanceApi.overlapping(station!.id, view.from, Math.max(view.to, Date.now())).catch((): MaintenanceWindow[] => []),
    ]);
    if (seq !== loadSeq) return;
    maintenanceEl.replaceChildren(maintenanceBanner(ctx, current, zone, Date.now()) ?? "");
    maintenance = shown;
    for (const p of panels) p.setMaintenance(maintenance);
  }
  const stopMaintenanceLive = ctx.live.listen({ maintenance: (change) => change.station === station.id && void loadMaintenance() });
  const controls = h("div", { class: "station-controls" });
  const exportEntry = exportButton(ctx, () => ({ stations: [station.id], parameters: [...chosen], ...resolveRange(range, Date.now()), zone }));
  const panelsEl = h("div", { class: "panels" });
  const loads = stationLoads(ctx, station.id);
  const status = h("p", { class: "state-loading", role: "status" });
  // Data review (reviewers and admins): corrections with preview, undo, approval levels.
  const review = roleAtLeast(ctx.session.role, "reviewer")
    ? new ReviewTools(ctx, {
        station: station.id,
        series: () => panels.map((p) => ({ parameter: p.parameter.code, sensors: p.sensors })),
        showPreview: (parameter, preview) => panels.find((p) => p.parameter.code === parameter)?.setPreview(preview),
        changed: () => void load(),
      })
    : undefined;
  const element = h(
    "section",
    { class: "station", "data-station": station.id, "aria-labelledby": "station-h" },
    h("a", { class: "back", href: "#/" }, `← ${t("station.back")}`),
    h("h1", { id: "station-h" }, stationName(ctx, station.id)),
    h(
      "p",
      { class: "station-sub" },
      [
        riverName(ctx, station.river) + (station.riverKm === null ? "" : ` ${t("station.riverKm", { km: formatNumber(station.riverKm, ctx.lang, 4) })}`),
        regionName(ctx, station.region),
        station.id,
        station.timezone,
      ].join(" · "),
    ),
    station.note ? h("p", { class: "muted" }, station.note) : null,
    maintenanceEl,
    exportEntry.element,
    controls,
    review?.element,
    status,
    panelsEl,
    loads.element,
  );

  function saveQuery(): void {
    const q = new URLSearchParams();
    writeRangeQuery(q, range);
    q.set("p", chosen.join(","));
    if (showFailed) q.set("failed", "1");
    replaceQuery(stationHref(station!.id, q));
  }

  function renderControls(): void {
    controls.replaceChildren(
      rangeBar(range, zone, t, ctx.lang, (next) => {
        range = next;
        saveQuery();
        renderControls();
        void load();
      }),
      h(
        "div",
        { class: "control-row" },
        parameterPicker(ctx, chosen, (codes) => {
          chosen.splice(0, chosen.length, ...codes);
          saveQuery();
          buildPanels();
          void load();
        }, (code) => ctx.catalog.measures(station!.id, code)),
        h(
          "label",
          { class: "check" },
          h("input", {
            type: "checkbox",
            name: "show-failed",
            checked: showFailed,
            onchange: (e: Event) => {
              showFailed = (e.target as HTMLInputElement).checked;
              saveQuery();
              renderPanels();
            },
          }),
          ` ${t("chart.showFailed")}`,
        ),
        h("span", { class: "muted hint" }, t("range.dragHint")),
      ),
    );
  }

  function buildPanels(): void {
    for (const p of panels) p.destroy();
    panels = chosen
      .map((code) => ctx.catalog.parameter(code))
      .filter((p): p is Parameter => p !== undefined)
      .map(
        (p) =>
          new ParameterPanel(ctx, station!, p, ctx.catalog.sensorsOf(station!.id, p.code), (from, to) => {
            if (review?.selecting) return review.select(p.code, from, to);
            range = { key: "custom", from, to };
            saveQuery();
            renderControls();
            void load();
          }),
      );
    panelsEl.replaceChildren(...panels.map((p) => p.element));
    review?.refreshSeries();
    for (const p of panels) {
      p.setMaintenance(maintenance);
      p.setLatest(undefined, zone);
      for (const s of p.sensors) p.setLatest(latest.get(seriesKey(p.parameter.code, s.id)), zone);
    }
  }

  function renderPanels(): void {
    for (const panel of panels) {
      const list = panel.sensors.map((s) => series.get(seriesKey(panel.parameter.code, s.id))).filter((s): s is SeriesResponse => s !== undefined);
      if (list.length === 0) continue;
      panel.render(list, {
        from: view.from,
        to: view.to,
        zone,
        zoneLabel,
        showFailed,
        rollingWindowMs: rollingWindowFor(view.to - view.from),
        requestedWidth,
      });
    }
  }

  async function load(): Promise<void> {
    const seq = ++loadSeq;
    clearTimeout(aggregateTimer);
    aggregateTimer = undefined;
    view = resolveRange(range, Date.now());
    requestedWidth = panels[0]?.chart.plotWidth() ?? 600;
    status.hidden = false;
    status.className = "state-loading";
    status.textContent = t("state.loading");
    try {
      const [list, last, lab] = await Promise.all([
        ctx.api.seriesMulti(requests(), { from: view.from, to: view.to, width: requestedWidth }),
        ctx.api.latest(station!.id),
        labResults(),
      ]);
      if (seq !== loadSeq) return;
      showLab(lab);
      for (const r of last.latest) updateLatest(r);
      series.clear();
      for (const s of list) series.set(seriesKey(s.parameter, s.sensor), s);
      status.hidden = true;
      renderPanels();
      void loadMaintenance();
    } catch (err) {
      if (seq !== loadSeq) return;
      const message = err instanceof Error ? err.message : String(err);
      status.className = "state-error";
      status.replaceChildren(t("state.error", { error: message }), " ", h("button", { type: "button", onclick: () => void load() }, t("state.retry")));
      for (const p of panels) p.showError(message);
    }
  }

  function updateLatest(r: Reading): void {
    const key = seriesKey(r.parameter, r.sensor);
    const prev = latest.get(key);
    if (prev && prev.time > r.time) return;
    latest.set(key, r);
    panels.find((p) => p.parameter.code === r.parameter)?.setLatest(r, zone);
  }

  function appendLive(batch: Reading[]): void {
    for (const r of batch) if (r.station === station!.id) updateLatest(r);
    if (!isFollowingNow(range)) return;
    const now = Date.now();
    let touched = false;
    let needsRefetch = false;
    for (const r of batch) {
      if (r.station !== station!.id) continue;
      const s = series.get(seriesKey(r.parameter, r.sensor));
      if (!s) continue;
      if (s.resolution === "aggregate") {
        needsRefetch = true;
        continue;
      }
      mergePoints(s.points, [livePoint(r)]);
      touched = true;
    }
    if (touched) {
      const span = range.key === "custom" ? 0 : PRESET_MS[range.key];
      view = { from: now - span, to: Math.max(now, view.to) };
      for (const s of series.values()) {
        if (s.resolution !== "raw") continue;
        trimBefore(s.points, view.from);
      }
      renderPanels();
    }
    if (needsRefetch && !aggregateTimer) aggregateTimer = setTimeout(() => void load(), AGGREGATE_REFRESH_MS);
  }

  async function resync(since: number): Promise<void> {
    const raw = [...series.values()].every((s) => s.resolution === "raw");
    if (!raw || !isFollowingNow(range)) return load();
    const now = Date.now();
    try {
      const missed = await ctx.api.seriesMulti(requests(), { from: since - 60_000, to: now, width: requestedWidth });
      if (missed.some((m) => m.resolution !== "raw")) return load();
      for (const m of missed) {
        const s = series.get(seriesKey(m.parameter, m.sensor));
        if (s) mergePoints(s.points, m.points);
      }
      view = resolveRange(range, now);
      renderPanels();
    } catch {
      void load();
    }
  }

  /** A lab import or undo touched this station, a shown parameter and the shown period: read the lab results again. */
  function labChanged(change: LabResultsChanged): void {
    if (!change.stations.includes(station!.id) || !change.parameters.some((p) => chosen.includes(p))) return;
    if (change.to < view.from || change.from > view.to) return;
    const seq = loadSeq;
    void labResults().then((results) => {
      if (seq === loadSeq) showLab(results);
    });
  }

  renderControls();
  buildPanels();
  // Measure the charts' width after layout so the server gets the real pixel count.
  requestAnimationFrame(() => void load());

  return {
    element,
    stations: [station.id],
    onReadings: appendLive,
    onResync: (since) => void resync(since),
    onLabResults: labChanged,
    destroy() {
      loadSeq++;
      stopMaintenanceLive();
      clearTimeout(aggregateTimer);
      exportEntry.destroy();
      loads.destroy();
      for (const p of panels) p.destroy();
    },
  };
}

