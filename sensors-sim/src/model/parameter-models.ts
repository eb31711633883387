// One model per parameter: the expected value from the environment (before noise and sensor
// faults), plus how noisy the parameter is. Pharmaceutical baselines are placed inside the catalog's
// `typical` range by the station's wastewater share, so their medians land in that range.
import type { Parameter } from "../../../common/catalog-model.ts";
import type { Environment } from "./environment.ts";
import type { StationProfile } from "./station-profiles.ts";

export interface NoiseSpec {
  /** "log": multiplicative (concentrations, log-normal); "abs": additive in the unit. */
  kind: "log" | "abs";
  /** Standard deviations of the fast (hours) and slow (days) AR(1) components. */
  fast: number;
  slow: number;
}

export interface ParameterModel {
  noise: NoiseSpec;
  /** Decimals the sensor reports. */
  decimals: number;
  /** Lowest physically possible value (concentrations cannot be negative). */
  floor: number;
  expected(env: Environment, profile: StationProfile): number;
}

interface CompoundTraits {
  /** Where the median sits in the typical range (0 = low end, 1 = high end, on a log scale), for
   *  wastewater share 0 and 1. */
  position: [number, number];
  /** Relative amplitude of the daily wastewater rhythm. */
  rhythm: number;
  /** Extra load per unit of combined-sewer overflow, relative to the median: compounds that
   *  treatment removes arrive untreated when sewers overflow. */
  overflow: number;
  /** Fraction lost to photodegradation in full sun. */
  photodegradation: number;
}

const DEFAULT_TRAITS: CompoundTraits = { position: [0.2, 0.7], rhythm: 0.3, overflow: 0.5, photodegradation: 0 };

const COMPOUNDS: Record<string, Partial<CompoundTraits>> = {
  // Barely removed in treatment and taken continuously: flat rhythm, pure dilution, no overflow peak.
  carbamazepine: { position: [0.25, 0.8], rhythm: 0.15, overflow: 0 },
  diclofenac: { position: [0.2, 0.75], rhythm: 0.3, photodegradation: 0.45 },
  // Removed well in treatment, so raw sewage from overflows dominates its peaks.
  ibuprofen: { position: [0.15, 0.55], rhythm: 0.35, overflow: 4 },
  sulfamethoxazole: { position: [0.15, 0.55] },
  clarithromycin: { position: [0.2, 0.6] },
  azithromycin: { position: [0.2, 0.6] },
  erythromycin: { position: [0.2, 0.6] },
  venlafaxine: { position: [0.25, 0.7], rhythm: 0.2 },
  metoprolol: { position: [0.25, 0.75], rhythm: 0.25 },
  ciprofloxacin: { position: [0.2, 0.6] },
  // Mostly below what an online sensor can detect; the system must show "<LOD" honestly.
  ethinylestradiol: { position: [0.05, 0.3], rhythm: 0.2 },
};

function logPosition([lo, hi]: [number, number], position: number): number {
  return lo * (hi / lo) ** position;
}

function pharmaceuticalModel(parameter: Parameter): ParameterModel {
  const traits = { ...DEFAULT_TRAITS, ...COMPOUNDS[parameter.code] };
  return {
    noise: { kind: "log", fast: 0.08, slow: 0.2 },
    decimals: parameter.typical[1] <= 10 ? 3 : 1,
    floor: 0,
    expected(env, profile) {
      const [p0, p1] = traits.position;
      const median = logPosition(parameter.typical, p0 + (p1 - p0) * profile.wastewaterShare);
      const rhythm = 1 + traits.rhythm * env.wastewaterRhythm;
      const dilution = 1 / (1 + env.flow);
      // Water exposed to the midday sun arrives in the afternoon: use the light of two hours ago.
      const photo = 1 - traits.photodegradation * env.exposure;
      return median * (rhythm * dilution * photo + traits.overflow * env.cso);
    },
  };
}

/** Benson & Krause (1984) oxygen saturation in fresh water at sea level, mg/L. */
export function oxygenSaturation(tempC: number): number {
  return 14.62 - 0.3898 * tempC + 0.006969 * tempC ** 2 - 0.00005896 * tempC ** 3;
}

/**
 * Photosynthesis cycle: -1 just before dawn (06:00 solar), +1 in mid-afternoon (15:00 solar).
 * Oxygen builds up over the 9 hours of light and is consumed over the 15 hours after.
 */
export function photosynthesisWave(solarHour: number): number {
  const x = (((solarHour - 6) % 24) + 24) % 24;
  return x <= 9 ? -Math.cos((Math.PI * x) / 9) : Math.cos((Math.PI * (x - 9)) / 15);
}

const PHYSICO_CHEMICAL: Record<string, ParameterModel> = {
  water_temperature: {
    noise: { kind: "abs", fast: 0.05, slow: 0.4 },
    decimals: 2,
    floor: 0,
    expected: (env) => env.waterTemp,
  },
  ph: {
    noise: { kind: "abs", fast: 0.02, slow: 0.06 },
    decimals: 2,
    floor: 0,
    // Algae take up CO2 by day (pH rises), respiration returns it at night; rain water is more acidic.
    expected: (env, profile) =>
      7.75 + 0.15 * profile.wastewaterShare + (0.1 + 0.35 * env.productivity) * photosynthesisWave(env.solarHour) - 0.15 * Math.min(2, env.flow),
  },
  dissolved_oxygen: {
    noise: { kind: "abs", fast: 0.08, slow: 0.2 },
    decimals: 2,
    floor: 0,
    // Warm water holds less oxygen; wastewater's oxygen demand lowers it further.
    expected: (env, profile) =>
      0.95 * oxygenSaturation(env.waterTemp) - 0.6 * profile.wastewaterShare + (0.2 + 1.4 * env.productivity) * photosynthesisWave(env.solarHour),
  },
  conductivity: {
    noise: { kind: "log", fast: 0.01, slow: 0.04 },
    decimals: 0,
    floor: 0,
    // Rain water (~100 µS/cm with washed-off salts) mixes in with the extra flow.
    expected: (env, profile) => {
      const river = profile.baseConductivity + 350 * profile.wastewaterShare * (1 + 0.05 * env.wastewaterRhythm);
      return (river + 100 * env.flow) / (1 + env.flow);
    },
  },
  turbidity: {
    noise: { kind: "log", fast: 0.1, slow: 0.25 },
    decimals: 1,
    floor: 0,
    // Rising water stirs up sediment; overflows add raw sewage solids.
    expected: (env, profile) => (4 + 6 * profile.wastewaterShare) * (1 + 3 * env.flow) + 40 * env.cso,
  },
  nitrate: {
    noise: { kind: "log", fast: 0.02, slow: 0.1 },
    decimals: 2,
    floor: 0,
    // Plants take nitrate up in summer; winter runoff from fields brings more.
    expected: (env, profile) => ((8 + 12 * profile.wastewaterShare) * (1 - 0.25 * env.season)) / (1 + 0.3 * env.flow),
  },
  ammonium: {
    noise: { kind: "log", fast: 0.1, slow: 0.3 },
    decimals: 3,
    floor: 0,
    // Nitrification slows in cold water, so winter ammonium is higher; overflows carry raw sewage.
    expected: (env, profile) =>
      (0.03 + 0.2 * profile.wastewaterShare) * (1 - 0.35 * env.season) * (1 + 0.3 * env.wastewaterRhythm) + 0.35 * env.cso,
  },
  discharge: {
    noise: { kind: "log", fast: 0.01, slow: 0.03 },
    decimals: 2,
    floor: 0,
    // The same rain response that dilutes the wastewater markers: pharmaceuticals are divided by
    // (1 + flow), the discharge multiplied by it (baseDischarge is a simulation setting).
    expected: (env, profile) => profile.baseDischarge * (1 + env.flow),
  },
  toc: {
    noise: { kind: "log", fast: 0.03, slow: 0.12 },
    decimals: 2,
    floor: 0,
    // Soil organic matter washes in with rain.
    expected: (env, profile) => 2.5 + 3 * profile.wastewaterShare + 1.5 * Math.min(3, env.flow) + 2 * env.cso,
  },
};

/** A generic model for parameters added to the catalog later: the middle of their typical range. */
function fallbackModel(parameter: Parameter): ParameterModel {
  const [lo, hi] = parameter.typical;
  return {
    noise: { kind: "abs", fast: (hi - lo) * 0.01, slow: (hi - lo) * 0.05 },
    decimals: 3,
    floor: lo >= 0 ? 0 : -Infinity,
    expected: () => (lo + hi) / 2,
  };
}

export function modelFor(parameter: Parameter): ParameterModel {
  if (parameter.group === "pharmaceutical") return pharmaceuticalModel(parameter);
  return PHYSICO_CHEMICAL[parameter.code] ?? fallbackModel(parameter);
}
