// Alert rules, alert instances and the live alert event, shared by server and client.
import type { LegalStatus, ParameterCode, SensorId, StandardKind, StationId } from "./catalog-model.ts";
import type { SampleKind } from "./lab-fields.ts";
import type { Qualifier } from "./reading.ts";

/**
 * What a rule checks. Contamination kinds (mac, aa, range, min, max, rate) look at QC-passed values;
 * `sensor-fault` looks for failing sensors and `no-data` for silent stations or series. A series is a
 * station × parameter × sensor: two sensors of one compound at one station alert apart. `aa` is an
 * early warning: the rolling N-day mean above an annual standard (never a verdict on the annual
 * average itself, which belongs to the assessment). `mac` also judges laboratory results: a lab result
 * above the MAC-EQS raises the same contamination alert, naming the sample. `lab-disagreement` is a
 * sensor-fault category rule: a sensor whose relative difference to the lab (the reference method)
 * is above `threshold` % in each of the last `runLength` usable sensor–lab pairs.
 */
export const ALERT_RULE_KINDS = ["mac", "aa", "range", "min", "max", "rate", "no-data", "sensor-fault", "lab-disagreement"] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

export const ALERT_SEVERITIES = ["info", "warning", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Sensor faults and missing data are not water-quality findings and are shown and routed apart. */
export type AlertCategory = "contamination" | "sensor" | "availability";

/** Grafana-style explicit states; `resolved` is announced once, after which the series is `ok` again. */
export const ALERT_STATES = ["ok", "pending", "firing", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/**
 * A rule's reference to one of the parameter's catalog standards, so alerts can cite it: the
 * standard's `id` (stable across its versions), with its kind and source for display.
 */
export interface StandardRef {
  id: string;
  kind: StandardKind;
  source: string;
}

/**
 * How a rule's alerts are counted (issue #19). `per-breach` (the default): when several standards for
 * one series are breached by the same condition (the diclofenac rolling mean above the EU, UBA and
 * Swiss AA-EQS), one alert lists them all. `per-standard`: this rule's alerts stand apart.
 */
export const ALERT_GROUPINGS = ["per-breach", "per-standard"] as const;
export type AlertGrouping = (typeof ALERT_GROUPINGS)[number];

export interface AlertRule {
  id: number;
  name: string;
  kind: AlertRuleKind;
  /** null: every station. */
  station: StationId | null;
  /** null: every parameter (only for no-data and sensor-fault rules). */
  parameter: ParameterCode | null;
  standard: StandardRef | null;
  /** Trigger value in the parameter's catalog unit (mac, aa, min, max; rate: unit per hour; lab-disagreement: % of the lab value). */
  threshold: number | null;
  /** range: the allowed interval. */
  low: number | null;
  high: number | null;
  /** The parameter's catalog unit, for display; thresholds are always stored in it. */
  unit: string | null;
  /** aa: averaging window (at least 30 days); rate: comparison window; no-data: silence before alerting. */
  windowMs: number | null;
  /**
   * aa: share of the readings the sensor's interval leads one to expect in the window (0–1] that must
   * be there before the mean can start or end an alert; null for other kinds.
   */
  minCoverage: number | null;
  /** How long the condition must hold before pending becomes firing. */
  forMs: number;
  /** Hysteresis: an alert clears only once the value is back below threshold × clearRatio (above for min). */
  clearRatio: number;
  /** sensor-fault: consecutive QC-failed or identical readings that count as a fault; lab-disagreement: consecutive pairs. */
  runLength: number | null;
  severity: AlertSeverity;
  /** One alert for all standards breached together (default), or one for this rule's standard alone. */
  grouping: AlertGrouping;
  enabled: boolean;
  /** Created from the catalog on first start. */
  builtIn: boolean;
  /** Who created the rule (their name then); null for built-in rules. */
  createdBy: string | null;
  /** The creator's user id: the owner, who may change the rule; null for built-in and ownerless rules. */
  createdById: number | null;
  /** The creator is disabled or no longer a researcher: the rule is not evaluated until they are again. */
  paused: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AlertStandardInfo {
  /** The catalog standard's id; null when the catalog no longer has the standard the alert cited. */
  id: string | null;
  kind: StandardKind;
  source: string;
  /** binding, adopted-not-transposed, proposal, guidance or reference; null when unknown (see id). */
  legalStatus: LegalStatus | null;
  /** The catalog's text for the source (law, proposal, …). */
  sourceText: string;
  value: number | null;
  min: number | null;
  max: number | null;
}

/**
 * What an alert's value is: one quality-controlled reading, one laboratory result (`lab`, with its
 * sample in `labSample`), the sensor's relative difference to the lab in % (`difference`, over
 * `meanCount` pairs), a rolling mean over `meanWindowMs` of
 * `meanCount` values, a rate of change per hour, or null when the alert is about no value at all
 * (no data, a failing sensor).
 */
export const ALERT_VALUE_KINDS = ["single", "mean", "rate", "lab", "difference"] as const;
export type AlertValueKind = (typeof ALERT_VALUE_KINDS)[number];

/** The laboratory sample an alert is about: the one whose result raised it, or the latest pair's. */
export interface AlertLabSample {
  laboratory: string;
  /** The laboratory's sample id. */
  sampleId: string;
  kind: SampleKind;
  start: number;
  end: number;
  method: string | null;
}

/**
 * One standard (one rule) an alert found breached. An alert of a `per-breach` rule lists every rule
 * of the same condition that breached at its series while it was open; older alerts list their one.
 */
export interface AlertBreach {
  ruleId: number;
  ruleName: string;
  standard: AlertStandardInfo | null;
  /** The rule's limit (mac, aa, min, max) or range, in the alert's unit. */
  threshold: number | null;
  low: number | null;
  high: number | null;
  /** The rule's severity; the alert's is the highest of its breaches'. */
  severity: AlertSeverity;
  /** When this standard's breach began (reading time). */
  since: number;
  /** When it cleared while the alert stayed open for others; null while breached (and once the alert resolved with it). */
  clearedAt: number | null;
}

export interface AlertAck {
  by: string;
  at: number;
  comment: string;
}

/** One alert instance: a rule breached at one station (and parameter) from `startedAt` on. */
export interface AlertInfo {
  id: number;
  ruleId: number;
  ruleName: string;
  kind: AlertRuleKind;
  category: AlertCategory;
  severity: AlertSeverity;
  station: StationId;
  stationName: string;
  /** null for a whole-station no-data alert. */
  parameter: ParameterCode | null;
  /**
   * The sensor whose series raised the alert; null for a whole-station alert, and for alerts recorded
   * before alerts named their sensor (those judged the station's primary sensor).
   */
  sensor: SensorId | null;
  /** Lab alerts: the sample whose result raised the alert (mac), or the latest pair's (lab-disagreement). */
  labSample: AlertLabSample | null;
  /** The value that triggered the alert (see `valueKind`: a single value, a rolling mean, a rate, a lab result, a difference). */
  value: number | null;
  valueKind: AlertValueKind | null;
  /** Mean alerts: the window and the number of values the mean was computed from (null when not recorded); lab-disagreement: the pairs judged. */
  meanWindowMs: number | null;
  meanCount: number | null;
  unit: string | null;
  threshold: number | null;
  /** The strictest breached standard (binding before proposals, then the highest severity). */
  standard: AlertStandardInfo | null;
  /** Every standard breached, the strictest first (at least the one above, when the alert cites one). */
  breaches: AlertBreach[];
  /**
   * The silence (common/silences.ts) that holds this alert's notices now: it is recorded and shown,
   * but no webhook, e-mail or inbox notice goes out; null when nothing holds it.
   */
  silencedBy: number | null;
  state: AlertState;
  startedAt: number;
  resolvedAt: number | null;
  ack: AlertAck | null;
  /** Station page at the start of the alert. */
  link: string;
  message: string;
  /** Raised by data below the release level: "provisional — subject to revision" (data review). */
  provisional?: true;
}

/** A correction that removed the reading behind an alert (data review): shown in the alert's detail. */
export interface AlertCorrectionLink {
  correction: number;
  kind: string;
  reason: string;
  by: string;
  at: number;
  undone: boolean;
}

/** Sent over socket.io and to subscribers on every notified state change (and reminders). */
export interface AlertEvent extends AlertInfo {
  /** When this state change happened (epoch ms). */
  at: number;
  previousState: AlertState;
  /** A reminder that the alert is still firing and nobody acknowledged it. */
  reminder: boolean;
}

export interface AlertHistoryEntry {
  state: AlertState | "acknowledged" | "reminder";
  at: number;
  /** The value then (of the alert's `valueKind`); a mean below its limit is `qualifier` with the limit as value. */
  value: number | null;
  /** Mean alerts: how many values the mean then had. */
  count: number | null;
  /** "<LOQ"/"<LOD": the mean then was below that limit (Directive 2009/90/EC Art. 5(2)), `value` is the limit. */
  qualifier: Qualifier | null;
  note: string | null;
}

export interface AlertsResponse {
  alerts: AlertInfo[];
}

export interface AlertRulesResponse {
  rules: AlertRule[];
}

export const NOTIFY_CHANNELS = ["in-app", "webhook", "email"] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

export interface Subscription {
  id: number;
  /** The owner's name when the subscription was made. */
  owner: string;
  /** The owner's user id; null for a subscription whose owner was gone before ownership went by id. */
  ownerId: number | null;
  /** The owner is disabled or no longer a researcher: nothing is sent until they are again. */
  paused: boolean;
  /** Empty: all. */
  stations: StationId[];
  parameters: ParameterCode[];
  severities: AlertSeverity[];
  channel: NotifyChannel;
  webhookUrl: string | null;
  email: string | null;
  /** Email only: unconfirmed until the confirmation link is opened (double opt-in). */
  confirmed: boolean;
  digest: "hourly" | "daily" | null;
  /** "HH:MM" in `timezone`; notifications inside are held until the end. */
  quietStart: string | null;
  quietEnd: string | null;
  timezone: string;
  active: boolean;
  createdAt: string;
}
