// Silences (issue #19), modelled on Alertmanager's (prometheus.io/docs/alerting/latest/alertmanager/
// #silences): equality matchers on station, parameter and rule, a start, an expiry, who made it and
// why. While a silence matches an alert, the alert is still recorded and shown, marked silenced, but
// no notice (webhook, e-mail, inbox) goes out. Shared by server (the hold on notices) and client.
import type { ParameterCode, StationId } from "./catalog-model.ts";

/** A silence may last at most a year: a longer one is forgotten, not a known situation. */
export const MAX_SILENCE_MS = 366 * 86_400_000;

/** Equality matchers; null matches anything. All null silences every alert (needs confirmation). */
export interface SilenceMatchers {
  station: StationId | null;
  parameter: ParameterCode | null;
  ruleId: number | null;
}

export interface Silence extends SilenceMatchers {
  id: number;
  /** Epoch ms: matches from here… */
  startsAt: number;
  /** …until here (exclusive); set to the moment of expiry when expired early. */
  endsAt: number;
  createdBy: string;
  comment: string;
  createdAt: number;
  /** Who ended it before its planned end; null otherwise. */
  expiredBy: string | null;
}

export type SilenceState = "pending" | "active" | "expired";

export interface SilencesResponse {
  silences: Array<Silence & { state: SilenceState }>;
}

/** What a silence is matched against: an alert's station, parameter, and the rules it stands for. */
export interface SilenceTarget {
  station: string;
  parameter: string | null;
  ruleIds: readonly number[];
}

export function silenceState(s: Pick<Silence, "startsAt" | "endsAt">, now: number): SilenceState {
  if (now >= s.endsAt) return "expired";
  return now < s.startsAt ? "pending" : "active";
}

export function matchesAll(m: SilenceMatchers): boolean {
  return m.station === null && m.parameter === null && m.ruleId === null;
}

/**
 * Whether a silence holds an alert at `now`: it is active and every matcher it sets equals the
 * alert's. A rule matcher holds an alert that lists that rule among its breaches (a grouped alert
 * stands for several rules).
 */
export function silenceMatches(s: Silence, target: SilenceTarget, now: number): boolean {
  if (silenceState(s, now) !== "active") return false;
  if (s.station !== null && s.station !== target.station) return false;
  if (s.parameter !== null && s.parameter !== target.parameter) return false;
  return s.ruleId === null || target.ruleIds.includes(s.ruleId);
}

/** The silence that holds the alert at `now` (the one ending last, so the hold lasts as long as any); null if none. */
export function matchingSilence(silences: readonly Silence[], target: SilenceTarget, now: number): Silence | null {
  let found: Silence | null = null;
  for (const s of silences) if (silenceMatches(s, target, now) && (found === null || s.endsAt > found.endsAt)) found = s;
  return found;
}
