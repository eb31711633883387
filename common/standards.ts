// Which quality standards apply to a series at a time and place, what limit each sets there, and how
// seriously a breach of it is to be taken. Pure functions over catalog data.
import { DateTime } from "luxon";
import type { Language, LegalStatus, QualityStandard, Region, Station, StandardKind, StandardScope } from "./catalog-model.ts";
import { countryCovers } from "./jurisdictions.ts";
import { convertUnit } from "./units.ts";

/** The limit a standard sets at one station, in the parameter's unit. */
export type EffectiveLimit =
  | { kind: "max"; value: number }
  | { kind: "min"; value: number }
  | { kind: "range"; min: number; max: number };

export interface EffectiveStandard {
  standard: QualityStandard;
  /** null for a class-limits standard at a station without a target class. */
  limit: EffectiveLimit | null;
  /** The class the limit was taken from (class-limits standards only). */
  targetClass: string | null;
  /** Whether the standard's scope covers the station (else it is shown as a reference only). */
  applicable: boolean;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** Parsed bounds by zone and text: standards are asked per reading, parsing is not free. */
const instants = new Map<string, number>();

/**
 * A validity bound as an instant. A date-only bound ("2026-01-01", as ordinances are dated) starts at
 * local midnight in the station's zone: a standard that changes on 1 January applies from the first
 * minute of the year there, in Chongqing as in Saxony. An ISO instant is taken as written.
 */
export function validityInstant(text: string, zone: string): number {
  const key = `${zone}|${text}`;
  let at = instants.get(key);
  if (at === undefined) {
    at = DATE_ONLY.test(text) ? DateTime.fromISO(text, { zone }).toMillis() : Date.parse(text);
    instants.set(key, at);
  }
  return at;
}

/** A standard's validity [from, to) as epoch ms in the station's zone (open ends as ±∞). */
export function validitySpan(standard: Pick<QualityStandard, "validFrom" | "validTo">, zone: string): { from: number; to: number } {
  return {
    from: standard.validFrom === null ? Number.NEGATIVE_INFINITY : validityInstant(standard.validFrom, zone),
    to: standard.validTo === null ? Number.POSITIVE_INFINITY : validityInstant(standard.validTo, zone),
  };
}

/** Validity is [validFrom, validTo) in the station's zone: a standard starts to apply at validFrom and stops at validTo. */
export function validAt(standard: Pick<QualityStandard, "validFrom" | "validTo">, time: number, zone: string): boolean {
  const { from, to } = validitySpan(standard, zone);
  return time >= from && time < to;
}

export function scopeCovers(scope: StandardScope, station: Pick<Station, "id" | "river" | "region">, region: Pick<Region, "country"> | undefined): boolean {
  switch (scope.kind) {
    case "all":
      return true;
    case "countries":
      return region !== undefined && scope.ids.some((entry) => countryCovers(entry, region.country));
    case "regions":
      return scope.ids.includes(station.region);
    case "rivers":
      return scope.ids.includes(station.river);
    case "stations":
      return scope.ids.includes(station.id);
  }
}

const CLASS_INDEX: Readonly<Record<string, number>> = { I: 0, II: 1, III: 2, IV: 3, V: 4 };

/** The limit in `unit` (the parameter's): a class-limits standard gives the limit of the station's target class. */
export function effectiveLimit(standard: QualityStandard, unit: string, targetClass: string | null): EffectiveLimit | null {
  const conv = (v: number): number => {
    const converted = convertUnit(v, standard.unit, unit);
    if (converted === undefined) throw new Error(`standard ${standard.id}: unit ${standard.unit} does not convert to ${unit}`);
    return converted;
  };
  switch (standard.kind) {
    case "AA-EQS":
    case "MAC-EQS":
    case "max":
    case "watch-list-MDL":
      return { kind: "max", value: conv(standard.value!) };
    case "min":
      return { kind: "min", value: conv(standard.value!) };
    case "range":
      return { kind: "range", min: conv(standard.min!), max: conv(standard.max!) };
    case "class-limits": {
      const classes = standard.classes!;
      if (classes.direction === "range") return { kind: "range", min: conv(classes.range[0]), max: conv(classes.range[1]) };
      const index = targetClass === null ? undefined : CLASS_INDEX[targetClass];
      if (index === undefined) return null;
      return { kind: classes.direction, value: conv(classes.limits[index]!) };
    }
  }
}

/**
 * Severity of a built-in alert rule made from a standard that applies at the station (issue #13):
 * "critical" only for a binding MAC-EQS; other binding or adopted standards warn; proposals and
 * guidance inform; reference values and watch-list detection limits raise no alert at all.
 */
export function ruleSeverity(kind: StandardKind, status: LegalStatus): "critical" | "warning" | "info" | null {
  if (kind === "watch-list-MDL" || status === "reference") return null;
  if (status === "binding") return kind === "MAC-EQS" ? "critical" : "warning";
  if (status === "adopted-not-transposed") return "warning";
  return "info";
}

/**
 * Directive 2009/90/EC, Art. 4(1): a method is fit to check compliance with an EQS only if its limit
 * of quantification is at most 30 % of the EQS. Sensors that report only a detection limit are held
 * to the same bound with that limit (the rule is applied with the limit the values carry).
 */
export const MAX_LIMIT_SHARE_OF_EQS = 0.3;

export function sensitiveEnough(limit: number | null, eqs: number): boolean {
  return limit === null || limit <= MAX_LIMIT_SHARE_OF_EQS * eqs;
}

export const LEGAL_STATUS_ORDER: Readonly<Record<LegalStatus, number>> = {
  binding: 0,
  "adopted-not-transposed": 1,
  proposal: 2,
  guidance: 3,
  reference: 4,
};

/** Localised text with English as the fallback. */
export function localName(text: { en: string } & Partial<Record<Language, string>>, lang: Language): string {
  return text[lang] ?? text.en;
}
