// How an alert reads everywhere (toasts, the alerts page, the rules page): state and severity in
// words with an icon (never colour alone), value with unit and what it is (a single value, or a mean
// with its window and count), the sensor, the cited standard with its source, and a link to the
// station page around the alert's time. Times of alert lists are in one zone for the whole list.
// Text only: no HTML from data.
import type { AlertHistoryEntry, AlertInfo, AlertSeverity, AlertState, AlertStandardInfo } from "../../../common/alerts.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { formatCensored, formatDateTime, formatNumber, formatQuantity, meanDescription, type ConcentrationUnit } from "../format.ts";
import type { Language, MessageKey, Translate } from "../i18n/index.ts";
import { writeRangeQuery } from "../range.ts";
import { stationHref } from "../router.ts";
import { listZone, zoneName, type ZoneMode } from "../state.ts";

/** What formatting needs from the app: language, preferences and the catalog. */
export interface AlertFormat {
  t: Translate;
  lang: Language;
  unit: ConcentrationUnit;
  zone: ZoneMode;
  catalog: CatalogSnapshot;
}

const STATE_ICON: Record<AlertState | "acknowledged" | "reminder", string> = {
  firing: "▲",
  pending: "◔",
  resolved: "✓",
  ok: "●",
  acknowledged: "✎",
  reminder: "↻",
};

const SEVERITY_ICON: Record<AlertSeverity, string> = { critical: "‼", warning: "!", info: "i" };

/** Around the alert: enough before to see the rise, and after (up to now) to see what followed. */
const CONTEXT_MS = 3 * 3_600_000;

export function stateLabel(state: AlertState | "acknowledged" | "reminder", t: Translate): string {
  return t(`alert.state.${state}` as MessageKey);
}

export function stateBadge(state: AlertState | "acknowledged" | "reminder", t: Translate): HTMLElement {
  return h(
    "span",
    { class: "alert-state", "data-state": state },
    h("span", { class: "alert-icon", "aria-hidden": "true" }, STATE_ICON[state]),
    stateLabel(state, t),
  );
}

export function severityBadge(severity: AlertSeverity, t: Translate): HTMLElement {
  return h(
    "span",
    { class: "alert-severity", "data-severity": severity },
    h("span", { class: "alert-icon", "aria-hidden": "true" }, SEVERITY_ICON[severity]),
    t(`alert.severity.${severity}` as MessageKey),
  );
}

/** Names in the UI language from the ids (the server's alert texts are English). */
export function stationName(f: AlertFormat, id: string): string {
  return f.catalog.stationName(id, f.lang);
}

export function parameterName(f: AlertFormat, code: string | null): string {
  if (code === null) return f.t("alert.wholeStation");
  return f.catalog.parameterName(code, f.lang);
}

export function quantity(f: AlertFormat, value: number | null, unit: string | null): string {
  if (value === null) return "–";
  return unit ? formatQuantity(value, unit, f.unit, f.lang) : formatNumber(value, f.lang);
}

/** A time in the list's zone (the viewer's: browser or UTC, the same for every row); the zone is named once, in the header. */
export function timeText(f: AlertFormat, ms: number, withZone = false): string {
  return formatDateTime(ms, f.lang, listZone(f.zone), withZone);
}

/** The name of the zone alert lists are shown in, for headers: "Europe/Berlin", "UTC". */
export function listZoneName(f: Pick<AlertFormat, "zone">): string {
  return zoneName(listZone(f.zone));
}

/** A column header naming the zone: "Started (Europe/Berlin)". */
export function zoneColumn(f: AlertFormat, label: string): string {
  return f.t("zone.column", { label, zone: listZoneName(f) });
}

/** What the value words need: its kind, a mean's window and count, a lab alert's sample. */
type ValueFacts = Pick<AlertInfo, "valueKind" | "meanWindowMs" | "meanCount"> & { labSample?: AlertInfo["labSample"] };

/** What an alert's value is, in words: "single value", "rolling 30-day mean of 4,312 values", "rate of change". */
export function valueKindText(f: AlertFormat, a: ValueFacts, count = a.meanCount): string | null {
  switch (a.valueKind) {
    case "single":
      return f.t("alert.value.single");
    case "lab":
      return a.labSample ? f.t("alert.value.lab", { sample: a.labSample.sampleId, lab: a.labSample.laboratory }) : f.t("alert.value.labUnknown");
    case "difference":
      return f.t("alert.value.difference", { n: count ?? 0 });
    case "rate":
      return f.t("alert.value.rate");
    case "mean":
      return a.meanWindowMs !== null && count !== null ? f.t("mean.rolling", { mean: meanDescription(a.meanWindowMs, count, f.t, f.lang) }) : f.t("alert.value.meanUnknown");
    case null:
      return null;
  }
}

/** "45 ng/L · rolling 30-day mean of 4,312 values", "160 ng/L · single value". */
/** Raised by data below the release level (data review): every alert says so ("provisional — subject to revision"). */
type MaybeProvisional = Partial<Pick<AlertInfo, "provisional">>;

export function valueText(f: AlertFormat, a: ValueFacts & Pick<AlertInfo, "value" | "unit"> & MaybeProvisional): string {
  const value = quantity(f, a.value, a.unit);
  const kind = a.value === null ? null : valueKindText(f, a);
  const text = kind ? `${value} · ${kind}` : value;
  return a.provisional ? `${text} · ${f.t("value.provisional")}` : text;
}

/** The value as a table cell: the number, and below it what it is (a single value, a mean with window and count). */
export function valueCell(f: AlertFormat, a: ValueFacts & Pick<AlertInfo, "value" | "unit"> & MaybeProvisional): HTMLElement {
  const kind = a.value === null ? null : valueKindText(f, a);
  return h(
    "span",
    { class: "alert-value", "data-testid": "alert-value", "data-value-kind": a.valueKind ?? "" },
    h("span", { class: "num" }, quantity(f, a.value, a.unit)),
    kind ? " " : null,
    kind ? h("span", { class: "alert-value-kind muted" }, kind) : null,
    a.provisional ? " " : null,
    a.provisional ? h("em", { class: "provisional-note", "data-testid": "alert-provisional", title: f.t("chart.provisional") }, f.t("value.provisional")) : null,
  );
}

/** A history entry's value: a mean below its limit reads "<LOQ (16.7 ng/L)"; a mean names its count then. */
export function historyValueText(f: AlertFormat, e: Pick<AlertHistoryEntry, "value" | "count" | "qualifier">, a: ValueFacts & Pick<AlertInfo, "unit">): string {
  if (e.value === null) return "–";
  const value = e.qualifier !== null && a.unit ? formatCensored(e.qualifier, e.value, a.unit, f.unit, f.lang, f.t) : quantity(f, e.value, a.unit);
  const kind = valueKindText(f, a, e.count);
  return kind ? `${value} · ${kind}` : value;
}

/** The sensor an alert is about; alerts from before sensors were recorded judged the primary sensor. */
export function sensorText(f: AlertFormat, a: Pick<AlertInfo, "sensor" | "parameter"> & { labSample?: AlertInfo["labSample"] }): string {
  if (a.sensor) return a.sensor;
  // A lab result's alert: the laboratory's sample, not a sensor.
  if (a.labSample) return f.t("alert.labSeries", { lab: a.labSample.laboratory });
  return a.parameter ? f.t("alert.sensorUnknown") : "–";
}

/** "MAC-EQS 130 ng/L", "Range 6–9 pH"; null when the alert cites no standard. */
export function standardLimit(f: AlertFormat, standard: AlertStandardInfo | null, unit: string | null): string | null {
  if (!standard) return null;
  const kind = f.t(`std.${standard.kind}` as MessageKey);
  if (standard.value !== null) return `${kind} ${quantity(f, standard.value, unit)}`;
  if (standard.min !== null || standard.max !== null) {
    const lo = standard.min === null ? "" : quantity(f, standard.min, unit);
    const hi = standard.max === null ? "" : quantity(f, standard.max, unit);
    return `${kind} ${lo}–${hi}`;
  }
  return kind;
}

/** The standard with its source: "MAC-EQS 130 ng/L EU-EQS-2022" (the source's full text as a tooltip). */
export function standardCitation(f: AlertFormat, standard: AlertStandardInfo | null, unit: string | null, threshold: number | null): HTMLElement {
  const limit = standardLimit(f, standard, unit);
  if (!standard || !limit) {
    const text = threshold === null ? f.t("alert.noStandard") : f.t("alert.limit", { limit: quantity(f, threshold, unit) });
    return h("span", { class: "alert-standard" }, text);
  }
  return h(
    "span",
    { class: "alert-standard", "data-standard": standard.kind, "data-source": standard.source, "data-legal": standard.legalStatus ?? "" },
    h("span", { class: "alert-limit" }, limit),
    " ",
    h("cite", { class: "alert-source", title: standard.sourceText }, standard.source),
    standard.legalStatus ? h("span", { class: "alert-legal muted" }, ` (${f.t(`legal.${standard.legalStatus}` as MessageKey)})`) : null,
  );
}

/** The source in full ("EU-EQS-2022 – European Commission proposal …"), for the details view. */
export function sourceText(f: AlertFormat, standard: AlertStandardInfo): string {
  return f.t("alert.source", { source: standard.source, text: standard.sourceText });
}

/** The station page over the hours around `at`, with the alert's parameter chosen. */
export function alertStationHref(alert: Pick<AlertInfo, "station" | "parameter">, at: number, now = Date.now()): string {
  const q = new URLSearchParams();
  const to = Math.min(now, at + CONTEXT_MS);
  writeRangeQuery(q, { key: "custom", from: Math.min(at, to) - CONTEXT_MS, to: Math.max(to, at + 60_000) });
  if (alert.parameter) q.set("p", alert.parameter);
  return stationHref(alert.station, q);
}

export function alertFormat(ctx: Pick<AppContext, "t" | "lang" | "p" | "catalog">): AlertFormat {
  return { t: ctx.t, lang: ctx.lang, unit: ctx.p.unit, zone: ctx.p.zone, catalog: ctx.catalog };
}
