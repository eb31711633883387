// Turns a stored alert into what people see: the cited standard with its source text, a message,
// and a link to the station page at the alert's start.
import type { Selectable } from "kysely";
import type { AlertInfo, AlertStandardInfo, StandardRef } from "../../../common/alerts.ts";
import { catalog, findParameter, findStation, type StandardKind } from "../../../common/catalog.ts";
import type { AlertsTable } from "../meta/tables.ts";

/** An alert as the metadata store keeps it. */
export type AlertRow = Selectable<AlertsTable>;

export function standardInfo(parameter: string | null, ref: StandardRef | null): AlertStandardInfo | null {
  if (!ref) return null;
  const standard = parameter ? findParameter(parameter)?.standards.find((s) => s.kind === ref.kind && s.source === ref.source) : undefined;
  return {
    kind: ref.kind,
    source: ref.source,
    sourceText: catalog.sources[ref.source] ?? ref.source,
    value: standard?.value ?? null,
    min: standard?.min ?? null,
    max: standard?.max ?? null,
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

export function alertMessage(row: Pick<AlertRow, "kind" | "station" | "parameter" | "value" | "unit" | "threshold" | "standard_kind" | "standard_source" | "rule_name">): string {
  const station = findStation(row.station)?.name ?? row.station;
  const parameter = row.parameter ? (findParameter(row.parameter)?.name ?? row.parameter) : null;
  const unit = row.unit ? ` ${row.unit}` : "";
  const value = row.value === null ? "" : ` ${fmt(row.value)}${unit}`;
  const cited = row.standard_kind ? ` ${row.standard_kind}${row.standard_source ? ` (${row.standard_source})` : ""}` : "";
  const limit = row.threshold === null ? "" : ` ${fmt(row.threshold)}${unit}`;
  switch (row.kind) {
    case "mac":
    case "max":
      return `${parameter}${value} at ${station} exceeds${cited}${limit}`;
    case "aa":
      return `${parameter} rolling mean${value} at ${station} exceeds${cited}${limit}`;
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

export function toAlertInfo(row: AlertRow, baseUrl: string): AlertInfo {
  const ref = row.standard_kind && row.standard_source ? { kind: row.standard_kind as StandardKind, source: row.standard_source } : null;
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    kind: row.kind,
    category: row.category,
    severity: row.severity,
    station: row.station,
    stationName: findStation(row.station)?.name ?? row.station,
    parameter: row.parameter,
    value: row.value,
    unit: row.unit,
    threshold: row.threshold,
    standard: standardInfo(row.parameter, ref),
    state: row.state,
    startedAt: row.started_at,
    resolvedAt: row.resolved_at,
    ack: row.acked_by && row.acked_at !== null ? { by: row.acked_by, at: row.acked_at, comment: row.ack_comment ?? "" } : null,
    link: stationLink(baseUrl, row.station, row.parameter, row.started_at),
    message: alertMessage(row),
  };
}
