// Turns a stored alert into what people see: the cited standard with its legal status and source
// text, a message, and a link to the station page at the alert's start. Texts use the catalog's
// English names; the dashboard shows names in the viewer's language from the ids.
import type { Selectable } from "kysely";
import type { AlertBreach, AlertInfo, AlertLabSample, AlertStandardInfo } from "../../../common/alerts.ts";
import type { StandardKind } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { AlertsTable } from "../meta/tables.ts";
import type { StoredBreach } from "./breach-grouping.ts";
import { valueKindOf } from "./conditions.ts";

/** An alert as the metadata store keeps it. */
export type AlertRow = Selectable<AlertsTable>;

/**
 * The standard an alert cites (by kind and source, as the alert record keeps them), in the version
 * valid when the alert started, with the limit it set at the alert's station.
 */
export function standardInfo(
  catalog: CatalogSnapshot,
  alert: { station: string; parameter: string | null; startedAt: number },
  ref: { kind: StandardKind; source: string } | null,
): AlertStandardInfo | null {
  if (!ref) return null;
  const candidates = alert.parameter ? catalog.standardsAt(alert.station, alert.parameter, alert.startedAt) : [];
  const found = candidates
    .filter((s) => s.standard.kind === ref.kind && s.standard.source === ref.source)
    .sort((a, b) => Number(b.applicable) - Number(a.applicable))[0];
  const limit = found?.limit ?? null;
  return {
    id: found?.standard.id ?? null,
    kind: ref.kind,
    source: ref.source,
    legalStatus: found?.standard.legalStatus ?? null,
    sourceText: catalog.source(ref.source)?.citation ?? ref.source,
    value: limit?.kind === "max" || limit?.kind === "min" ? limit.value : null,
    min: limit?.kind === "range" ? limit.min : null,
    max: limit?.kind === "range" ? limit.max : null,
  };
}

/** Hours of context shown on either side of the alert's start when the link is opened. */
const LINK_CONTEXT_MS = 3 * 3_600_000;

/** The station page around `at`, with the alert's parameter chosen (the dashboard's route format). */
export function stationLink(baseUrl: string, station: string, parameter: string | null, at: number): string {
  const query = new URLSearchParams({ range: "custom", from: String(at - LINK_CONTEXT_MS), to: String(at + LINK_CONTEXT_MS) });
  if (parameter) query.set("p", parameter);
  return `${baseUrl.replace(/\/$/, "")}/#/station/${encodeURIComponent(station)}?${query}`;
}

const fmt = (v: number): string => String(Number(v.toPrecision(6)));
const DAY_MS = 86_400_000;

/** "30-day", "36-hour": a mean's window as an adjective. */
export function windowText(ms: number): string {
  return ms % DAY_MS === 0 ? `${ms / DAY_MS}-day` : `${Number((ms / 3_600_000).toPrecision(3))}-hour`;
}

/** "rolling 30-day mean of 4,312 values": what a mean alert computed, in full (issue #13). */
export function meanText(windowMs: number | null, count: number | null): string {
  const window = windowMs === null ? "" : ` ${windowText(windowMs)}`;
  const of = count === null ? "" : ` of ${count.toLocaleString("en-GB")} value${count === 1 ? "" : "s"}`;
  return `rolling${window} mean${of}`;
}

/** The standards a grouped alert stores; empty for alerts recorded before grouping (and unreadable values). */
export function breachesOf(row: Pick<AlertRow, "breaches">): StoredBreach[] {
  if (row.breaches === null) return [];
  try {
    return JSON.parse(row.breaches) as StoredBreach[];
  } catch {
    return [];
  }
}

/** "AA-EQS (EU-EQS-2022) 40 ng/L", "range (X) 6–9": one breached standard, as a message cites it. */
function citedBreach(b: StoredBreach, unit: string): string {
  const what = b.standardKind ? `${b.standardKind}${b.standardSource ? ` (${b.standardSource})` : ""}` : b.ruleName;
  const limit = b.kind === "range" ? (b.low !== null && b.high !== null ? ` ${fmt(b.low)}–${fmt(b.high)}${unit}` : "") : b.threshold === null ? "" : ` ${fmt(b.threshold)}${unit}`;
  return `${what}${limit}`;
}

/** "A, B and C". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function alertMessage(
  catalog: CatalogSnapshot,
  row: Pick<
    AlertRow,
    | "kind"
    | "station"
    | "parameter"
    | "sensor"
    | "value"
    | "unit"
    | "threshold"
    | "standard_kind"
    | "standard_source"
    | "rule_name"
    | "mean_window_ms"
    | "mean_count"
    | "lab_sample"
    | "breaches"
  >,
): string {
  const sample = labSampleOf(row.lab_sample);
  // The sensor is named where the station has several for the compound (their alerts are apart).
  const several = row.parameter !== null && row.sensor !== null && catalog.sensorsOf(row.station, row.parameter).length > 1;
  const station = `${catalog.stationName(row.station)}${several ? ` (sensor ${row.sensor})` : ""}`;
  const parameter = row.parameter ? catalog.parameterName(row.parameter) : null;
  const unit = row.unit ? ` ${row.unit}` : "";
  const value = row.value === null ? "" : ` ${fmt(row.value)}${unit}`;
  let cited = row.standard_kind ? ` ${row.standard_kind}${row.standard_source ? ` (${row.standard_source})` : ""}` : "";
  let limit = row.threshold === null ? "" : ` ${fmt(row.threshold)}${unit}`;
  const breaches = breachesOf(row);
  const grouped = breaches.length > 1;
  if (grouped) {
    // One alert for several standards breached together: it names them all, strictest first.
    cited = ` ${breaches.length} standards: ${listed(breaches.map((b) => citedBreach(b, unit)))}`;
    limit = "";
  }
  switch (row.kind) {
    case "mac":
    case "max":
      // A lab result is the laboratory's finding in a sample, not a sensor's: the sample is named.
      if (sample) return `${parameter}${value} in ${sampleText(sample)} at ${catalog.stationName(row.station)} exceeds${cited}${limit}`;
      return `${parameter}${value} at ${station} exceeds${cited}${limit}`;
    case "lab-disagreement": {
      const pairs = row.mean_count === null ? "" : ` in each of the last ${row.mean_count} pair${row.mean_count === 1 ? "" : "s"}`;
      const latest = row.value === null ? "" : ` (latest ${row.value > 0 ? "+" : ""}${Number(row.value.toPrecision(3))} %${sample ? `, ${sampleText(sample)}` : ""})`;
      return `Sensor ${row.sensor ?? ""} for ${parameter} at ${catalog.stationName(row.station)} disagrees with the lab: more than ${fmt(row.threshold ?? 0)} % from the lab value${pairs}${latest}`;
    }
    case "aa":
      // An early warning, never a breach of the annual average (that is the assessment's verdict).
      return `Early warning: ${parameter} ${meanText(row.mean_window_ms, row.mean_count)}${value} at ${station} is above ${grouped ? `${breaches.length} annual standards: ${listed(breaches.map((b) => citedBreach(b, unit)))}` : `the annual standard${cited}${limit}`}`;
    case "min":
      return `${parameter}${value} at ${station} is below${cited}${limit}`;
    case "range":
      return `${parameter}${value} at ${station} is outside${cited || " the allowed range"}`;
    case "rate":
      return `${parameter} at ${station} changes by${value} (limit${limit})`;
    case "sensor-fault":
      return `Sensor fault: ${parameter ?? "a sensor"} at ${station} reports failed or stuck values (${row.rule_name})`;
    case "no-data":
      return parameter ? `No ${parameter} readings from ${station}` : `${station} sends no readings (offline?)`;
  }
}

/** "lab sample S-17 (LabCo, 24-h time-proportional composite)". */
function sampleText(s: AlertLabSample): string {
  const hours = Math.round((s.end - s.start) / 3_600_000);
  const kind = s.kind === "grab" ? "grab sample" : `${hours}-h ${s.kind}`;
  return `lab sample ${s.sampleId} (${s.laboratory}, ${kind})`;
}

/** The stored sample of a lab alert; null for others (and for a value this version cannot read). */
export function labSampleOf(json: string | null): AlertLabSample | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as AlertLabSample;
  } catch {
    return null;
  }
}

/** Every standard the alert found breached; an alert recorded before grouping stands for its one rule. */
function breachViews(row: AlertRow, catalog: CatalogSnapshot, lead: AlertStandardInfo | null): AlertBreach[] {
  const stored = breachesOf(row);
  const at = { station: row.station, parameter: row.parameter, startedAt: row.started_at };
  if (stored.length === 0) {
    return [{ ruleId: row.rule_id, ruleName: row.rule_name, standard: lead, threshold: row.threshold, low: null, high: null, severity: row.severity, since: row.started_at, clearedAt: null }];
  }
  return stored.map((b) => {
    const ref = b.standardKind && b.standardSource ? { kind: b.standardKind as StandardKind, source: b.standardSource } : null;
    const info = standardInfo(catalog, at, ref);
    return {
      ruleId: b.ruleId,
      ruleName: b.ruleName,
      // The status as recorded when the catalog no longer knows the standard.
      standard: info && info.legalStatus === null ? { ...info, legalStatus: b.legalStatus } : info,
      threshold: b.threshold,
      low: b.low,
      high: b.high,
      severity: b.severity,
      since: b.since,
      clearedAt: b.clearedAt,
    };
  });
}

/** "silence:12" → 12: the silence holding an alert's notices. */
function silenceOf(heldBy: string | null): number | null {
  const m = heldBy === null ? null : /^silence:(\d+)$/.exec(heldBy);
  return m ? Number(m[1]) : null;
}

export function toAlertInfo(row: AlertRow, baseUrl: string, catalog: CatalogSnapshot): AlertInfo {
  const ref = row.standard_kind && row.standard_source ? { kind: row.standard_kind as StandardKind, source: row.standard_source } : null;
  const standard = standardInfo(catalog, { station: row.station, parameter: row.parameter, startedAt: row.started_at }, ref);
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    kind: row.kind,
    category: row.category,
    severity: row.severity,
    station: row.station,
    stationName: catalog.stationName(row.station),
    parameter: row.parameter,
    sensor: row.sensor,
    labSample: labSampleOf(row.lab_sample),
    value: row.value,
    // Alerts recorded before the kind of value was stored: by the rule kind.
    valueKind: row.value_kind ?? valueKindOf(row.kind),
    meanWindowMs: row.mean_window_ms,
    meanCount: row.mean_count,
    unit: row.unit,
    threshold: row.threshold,
    standard,
    breaches: breachViews(row, catalog, standard),
    silencedBy: silenceOf(row.held_by),
    state: row.state,
    startedAt: row.started_at,
    resolvedAt: row.resolved_at,
    ack: row.acked_by && row.acked_at !== null ? { by: row.acked_by, at: row.acked_at, comment: row.ack_comment ?? "" } : null,
    link: stationLink(baseUrl, row.station, row.parameter, row.started_at),
    message: alertMessage(catalog, row),
  };
}
