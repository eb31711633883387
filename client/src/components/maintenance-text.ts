// How maintenance windows read on the station page: a banner for the windows going on or planned,
// and under each chart the shaded windows in words (the band is not the only way to know of them).
// Text only: reasons are user input and are never parsed as HTML.
import { maintenanceStatus, type MaintenanceWindow } from "../../../common/maintenance.ts";
import { parameterName, type AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { formatDateTime } from "../format.ts";

/** The windows that concern one parameter: its own, and the station's as a whole. */
export function windowsOf(windows: readonly MaintenanceWindow[], parameter: string): MaintenanceWindow[] {
  return windows.filter((w) => w.parameter === null || w.parameter === parameter);
}

/** "In maintenance until …" / "Maintenance planned …" lines for a station's current and planned windows. */
export function maintenanceBanner(ctx: AppContext, windows: readonly MaintenanceWindow[], zone: string | undefined, now: number): HTMLElement | null {
  const { t } = ctx;
  const shown = windows.filter((w) => maintenanceStatus(w, now) !== "past");
  if (shown.length === 0) return null;
  const when = (ms: number) => formatDateTime(ms, ctx.lang, zone);
  const lines = shown.map((w) => {
    const active = maintenanceStatus(w, now) === "active";
    const params = { to: when(w.to), from: when(w.from), reason: w.reason, parameter: w.parameter ? parameterName(ctx, w.parameter) : "" };
    const key = active ? (w.parameter ? "maint.station.activeParameter" : "maint.station.active") : w.parameter ? "maint.station.plannedParameter" : "maint.station.planned";
    return h(
      "li",
      { class: active ? "maint-active" : "maint-planned", "data-window": String(w.id) },
      h("strong", {}, h("span", { "aria-hidden": "true" }, active ? "⚒ " : "◷ "), t(active ? "maint.status.active" : "maint.status.planned")),
      ": ",
      t(key, params),
    );
  });
  return h("div", { class: "maint-banner", role: "status", "data-testid": "maintenance-banner" }, h("ul", {}, ...lines));
}

/** The shaded windows of a chart, in words. */
export function maintenanceNote(ctx: AppContext, windows: readonly MaintenanceWindow[], zone: string | undefined): string {
  const when = (ms: number) => formatDateTime(ms, ctx.lang, zone);
  if (windows.length === 0) return "";
  const listed = windows.map((w) => ctx.t("maint.chart.window", { from: when(w.from), to: when(w.to), reason: w.reason }));
  return ctx.t("maint.chart.note", { windows: listed.join("; ") });
}

/** A chart's maintenance windows: the bands to shade and the line of text under the chart. */
export class MaintenanceOverlay {
  readonly element = h("p", { class: "maint-note muted", "data-testid": "maintenance-note", hidden: true });
  private windows: MaintenanceWindow[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly parameter: string,
  ) {}

  /** Keeps the station's windows that concern the parameter. */
  set(windows: readonly MaintenanceWindow[]): void {
    this.windows = windowsOf(windows, this.parameter);
  }

  get count(): number {
    return this.windows.length;
  }

  bands(): Array<{ from: number; to: number; label: string }> {
    return this.windows.map((w) => ({ from: w.from, to: w.to, label: this.ctx.t("maint.chart.band") }));
  }

  /** Writes the text for the zone the chart is drawn in. */
  update(zone: string | undefined): void {
    this.element.hidden = this.windows.length === 0;
    this.element.textContent = maintenanceNote(this.ctx, this.windows, zone);
  }
}
