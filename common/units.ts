// Units Water Monitor knows, and conversion between units of the same quantity. Every parameter has
// one canonical unit; readings, limits, lab results and standards in another unit of the same
// quantity are converted into it, anything else is refused.

interface UnitDef {
  quantity: string;
  /** Multiply by this to get the quantity's base unit. */
  factor: number;
}

// Mass concentrations in ng/L as base: 1 µg/L = 1,000 ng/L, 1 mg/L = 10⁶ ng/L.
const UNITS: Readonly<Record<string, UnitDef>> = {
  "ng/L": { quantity: "mass concentration", factor: 1 },
  "µg/L": { quantity: "mass concentration", factor: 1e3 },
  "mg/L": { quantity: "mass concentration", factor: 1e6 },
  "g/L": { quantity: "mass concentration", factor: 1e9 },
  "°C": { quantity: "temperature", factor: 1 },
  pH: { quantity: "pH", factor: 1 },
  "µS/cm": { quantity: "conductivity", factor: 1 },
  "mS/cm": { quantity: "conductivity", factor: 1e3 },
  FNU: { quantity: "turbidity", factor: 1 },
  "m³/s": { quantity: "discharge", factor: 1 },
  "L/s": { quantity: "discharge", factor: 1e-3 },
};

/** Spellings seen in lab files and sensor payloads, mapped to the canonical spelling. */
const ALIASES: Readonly<Record<string, string>> = {
  "ug/L": "µg/L",
  "μg/L": "µg/L", // Greek mu (U+03BC) rather than the micro sign (U+00B5)
  "ug/l": "µg/L",
  "µg/l": "µg/L",
  "ng/l": "ng/L",
  "mg/l": "mg/L",
  "g/l": "g/L",
  "uS/cm": "µS/cm",
  "μS/cm": "µS/cm",
  "m3/s": "m³/s",
  "degC": "°C",
  NTU: "FNU",
};

export const KNOWN_UNITS: readonly string[] = Object.keys(UNITS);

/** The canonical spelling of a unit, or undefined when unknown. */
export function canonicalUnit(unit: string): string | undefined {
  const trimmed = unit.trim();
  if (UNITS[trimmed]) return trimmed;
  return ALIASES[trimmed];
}

export function isKnownUnit(unit: string): boolean {
  return canonicalUnit(unit) !== undefined;
}

/** Converts `value` from one unit to another of the same quantity; undefined when they do not convert. */
export function convertUnit(value: number, from: string, to: string): number | undefined {
  const a = canonicalUnit(from);
  const b = canonicalUnit(to);
  if (!a || !b) return undefined;
  if (a === b) return value;
  const ua = UNITS[a]!;
  const ub = UNITS[b]!;
  if (ua.quantity !== ub.quantity) return undefined;
  // Round away binary noise from the factor division (0.05 µg/L is 50 ng/L, not 50.00000000000001).
  return Number(((value * ua.factor) / ub.factor).toPrecision(12));
}

export function unitsConvert(from: string, to: string): boolean {
  return convertUnit(1, from, to) !== undefined;
}
