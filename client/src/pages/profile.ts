// Longitudinal profile (#/profile?river=&p=&t=): x = river kilometre in flow direction, y = the
// chosen compound's concentration, one point per station at the chosen instant, with the quality
// standards that apply there as horizontal lines. A time slider over the last day (10-minute steps)
// and "play" show a plume moving from station to station; live readings extend the day, and while
// the slider is at its end it follows them.
import type { SeriesPoint } from "../../../common/api-types.ts";
import type { Reading } from "../../../common/reading.ts";
import { standardLines } from "../charts/standard-lines.ts";
import type { XYDataset } from "../charts/validation-charts.ts";
import { XYChart } from "../charts/xy-chart.ts";
import { loadError } from "../components/notice.ts";
import { parameterName, riverName, stationName, type AppContext, type Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";
import { displayUnit, formatDateTime, formatReadingValue } from "../format.ts";
import { OKABE_ITO } from "../charts/palette.ts";
import { profileAt, profileMaximum, profileRivers, profileSteps, type ProfilePoint } from "../profile/profile-data.ts";
import { profileHref, replaceQuery } from "../router.ts";
import { listZone, zoneName } from "../state.ts";

const DAY = 86_400_000;
const STEP = 10 * 60_000;
/** A value older than this says nothing about the instant shown (a station reports every 10 minutes). */
const MAX_AGE = 30 * 60_000;
const PLAY_FRAME_MS = 250;
const WIDTH = 2_000;

export function profilePage(ctx: AppContext, query: URLSearchParams): Page {
  const { t, catalog } = ctx;
  const rivers = profileRivers(catalog);
  const zone = listZone(ctx.p.zone);
  let river = rivers.find((r) => r.river === query.get("river")) ?? rivers[0];
  const compoundsOf = () => (river ? catalog.parameters.filter((p) => river!.stations.every((s) => catalog.measures(s.id, p.code))) : []);
  let compound = compoundsOf().find((p) => p.code === query.get("p"))?.code ?? compoundsOf().find((p) => p.group === "pharmaceutical")?.code ?? compoundsOf()[0]?.code ?? "";
  let to = Date.now();
  let from = to - DAY;
  let steps = profileSteps(from, to, STEP);
  let index = steps.length - 1;
  const wanted = Number(query.get("t"));
  if (Number.isFinite(wanted) && wanted >= from && wanted <= to) index = steps.findIndex((s) => s >= wanted);
  const points = new Map<string, SeriesPoint[]>();
  let playing: ReturnType<typeof setInterval> | undefined;
  let destroyed = false;

  const chart = new XYChart(360);
  const status = h("p", { class: "muted", "aria-live": "polite" });
  const slider = h("input", { type: "range", min: "0", max: String(steps.length - 1), value: String(index), step: "1", "aria-label": t("profile.time"), "data-testid": "profile-slider" });
  const timeLabel = h("output", { class: "profile-time", "data-testid": "profile-time" });
  const play = h("button", { type: "button", "data-action": "play" }, t("profile.play"));
  const table = h("div", { class: "table-wrap" });
  const body = h("div", { class: "profile-body" }, h("p", { class: "state-loading" }, t("state.loading")));

  const kmFormat = new Intl.NumberFormat(ctx.locale, { maximumFractionDigits: 1 });
  const unit = () => displayUnit(catalog.parameter(compound)?.unit ?? "", ctx.p.unit);
  const valueText = (p: ProfilePoint) => {
    if (p.time === null) return "–";
    return formatReadingValue({ value: p.value, qualifier: p.qualifier, limit: p.limit }, catalog.parameter(compound)?.unit ?? "", ctx.p.unit, ctx.lang, t);
  };

  function render(): void {
    if (!river) return;
    const at = steps[index]!;
    slider.value = String(index);
    timeLabel.textContent = formatDateTime(at, ctx.lang, zone, false);
    const profile = profileAt(river.stations, points, at, MAX_AGE);
    const du = unit();
    const max = profileMaximum(profile);
    const kms = river.stations.map((s) => s.km);
    const [x0, x1] = [Math.min(...kms), Math.max(...kms)];
    // Single values against the limits for single values: an AA-EQS is an annual mean (Directive
    // 2008/105/EC Annex I Part B) and is not drawn against one instant.
    const lines = standardLines(catalog.standardsAt(river.stations[0]!.id, compound, at), du.factor).filter((l) => l.applicable && !l.reference && l.kind !== "AA-EQS");
    const datasets: XYDataset[] = [
      {
        type: "line",
        label: parameterName(ctx, compound),
        kind: "pairs",
        data: profile.filter((p) => p.value !== null).map((p) => ({ x: p.km, y: p.value! * du.factor })),
        showLine: true,
        borderColor: OKABE_ITO.blue,
        backgroundColor: OKABE_ITO.blue,
        borderWidth: 2,
        pointRadius: 5,
        pointHoverRadius: 7,
        fill: false,
      },
      ...lines.map(
        (l): XYDataset => ({
          type: "line",
          label: `${t(`std.${l.kind}` as MessageKey)} ${l.entries.map((e) => e.source).join(", ")}`,
          kind: "line",
          data: [
            { x: x0, y: l.value },
            { x: x1, y: l.value },
          ],
          showLine: true,
          borderColor: l.colour,
          backgroundColor: l.colour,
          borderDash: l.dash,
          borderWidth: 1.5,
          pointRadius: 0,
          pointHoverRadius: 0,
          fill: false,
        }),
      ),
    ];
    chart.render({
      datasets,
      xTitle: t("profile.km"),
      yTitle: `${parameterName(ctx, compound)} (${du.unit})`,
      locale: ctx.locale,
      describe: (point) => {
        const p = profile.find((q) => q.km === point.x);
        return p ? `${stationName(ctx, p.station)} · ${valueText(p)}` : "";
      },
      ariaLabel: t("profile.aria", { river: riverName(ctx, river.river), compound: parameterName(ctx, compound), time: timeLabel.textContent }),
    });
    table.replaceChildren(
      h(
        "table",
        { class: "data-table profile-table", "data-testid": "profile-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("profile.station")), h("th", { scope: "col", class: "num" }, t("profile.km")), h("th", { scope: "col", class: "num" }, t("profile.value")))),
        h(
          "tbody",
          {},
          ...profile.map((p) =>
            h(
              "tr",
              { "data-station": p.station, "data-value": p.value === null ? "" : String(p.value), class: max && max.station === p.station ? "profile-max" : "" },
              h("th", { scope: "row" }, stationName(ctx, p.station)),
              h("td", { class: "num" }, kmFormat.format(p.km)),
              h("td", { class: "num" }, valueText(p), max && max.station === p.station ? h("span", { class: "badge profile-badge" }, t("profile.highest")) : null),
            ),
          ),
        ),
      ),
    );
  }

  function keepInUrl(): void {
    const q = new URLSearchParams({ river: river?.river ?? "", p: compound });
    if (index < steps.length - 1) q.set("t", String(steps[index]));
    replaceQuery(profileHref(q));
  }

  async function load(): Promise<void> {
    if (!river || !compound) {
      body.replaceChildren(h("p", { class: "state-empty" }, t("profile.none")));
      return;
    }
    to = Date.now();
    from = to - DAY;
    steps = profileSteps(from, to, STEP);
    slider.max = String(steps.length - 1);
    index = Math.min(index, steps.length - 1);
    status.textContent = t("state.loading");
    try {
      const answers = await ctx.api.seriesMulti(river.stations.map((s) => ({ station: s.id, parameter: compound })), { from, to, width: WIDTH });
      if (destroyed) return;
      points.clear();
      for (const a of answers) points.set(a.station, a.points);
      status.textContent = t("profile.zone", { zone: zoneName(zone) });
      body.replaceChildren(chart.element, table);
      render();
    } catch (err) {
      if (!destroyed) body.replaceChildren(loadError(t, err));
    }
  }

  function stop(): void {
    clearInterval(playing);
    playing = undefined;
    play.textContent = t("profile.play");
  }

  play.addEventListener("click", () => {
    if (playing) return stop();
    if (index >= steps.length - 1) index = 0;
    play.textContent = t("profile.pause");
    playing = setInterval(() => {
      if (index >= steps.length - 1) return stop();
      index++;
      render();
    }, PLAY_FRAME_MS);
  });
  slider.addEventListener("input", () => {
    index = Number(slider.value);
    render();
    keepInUrl();
  });

  const riverSelect = h(
    "select",
    { name: "river", "aria-label": t("profile.river") },
    ...rivers.map((r) => h("option", { value: r.river, selected: r.river === river?.river }, riverName(ctx, r.river))),
  );
  riverSelect.addEventListener("change", () => {
    river = rivers.find((r) => r.river === riverSelect.value) ?? river;
    if (!compoundsOf().some((p) => p.code === compound)) compound = compoundsOf()[0]?.code ?? "";
    fillCompounds();
    keepInUrl();
    void load();
  });
  const compoundSelect = h("select", { name: "p", "aria-label": t("profile.compound") });
  function fillCompounds(): void {
    compoundSelect.replaceChildren(...compoundsOf().map((p) => h("option", { value: p.code, selected: p.code === compound }, parameterName(ctx, p.code))));
  }
  fillCompounds();
  compoundSelect.addEventListener("change", () => {
    compound = compoundSelect.value;
    keepInUrl();
    void load();
  });

  const element = h(
    "section",
    { class: "profile-page", "aria-labelledby": "profile-h" },
    h("h1", { id: "profile-h" }, t("profile.heading")),
    h("p", { class: "muted" }, t("profile.intro")),
    rivers.length === 0
      ? h("p", { class: "state-empty" }, t("profile.noRivers"))
      : h(
          "div",
          { class: "filter-bar" },
          h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("profile.river")), riverSelect),
          h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("profile.compound")), compoundSelect),
        ),
    h("div", { class: "profile-controls" }, play, h("label", { class: "profile-slider" }, h("span", { class: "setting-label" }, t("profile.time")), slider), timeLabel),
    status,
    body,
  );
  if (rivers.length > 0) void load();

  return {
    element,
    stations: river?.stations.map((s) => s.id) ?? [],
    onReadings(batch: readonly Reading[]) {
      if (!river) return;
      const following = index === steps.length - 1;
      let changed = false;
      for (const r of batch) {
        if (r.parameter !== compound || !river.stations.some((s) => s.id === r.station)) continue;
        const list = points.get(r.station) ?? [];
        if (list.length > 0 && list[list.length - 1]!.t >= r.time) continue;
        list.push({ t: r.time, v: r.value, qc: r.qc, ...(r.qualifier ? { qualifier: r.qualifier, limit: r.limit ?? undefined } : {}) });
        points.set(r.station, list);
        changed = true;
      }
      if (!changed) return;
      const now = Date.now();
      if (now - to >= STEP) {
        to = now;
        steps = profileSteps(from, to, STEP);
        slider.max = String(steps.length - 1);
      }
      if (following) index = steps.length - 1;
      render();
    },
    onResync: () => void load(),
    destroy() {
      destroyed = true;
      stop();
      chart.destroy();
    },
  };
}
