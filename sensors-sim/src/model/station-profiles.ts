// What the simulator assumes about each station's river, beyond the catalog's facts. The numbers
// are modelling choices read from the catalog's station notes (upstream vs below a city, small vs
// large river), not measurements: change them here, in one place.
import type { Station, StationId } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";

export type Climate = "central-europe" | "sichuan-basin";

export interface StationProfile {
  /** Share of treated wastewater in the flow (0–1): sets pharmaceutical and nutrient baselines. */
  wastewaterShare: number;
  /** Hours for the treatment plants' late-morning load peak to reach the station. */
  wastewaterDelayHours: number;
  /** Extra flow per unit of rain; small rivers swell more, so they dilute more. */
  rainResponse: number;
  /** Hours to the flow peak after rain, and e-folding recession time. */
  flowRiseHours: number;
  flowRecessionHours: number;
  /** Combined sewer overflows upstream (0–1): cities with combined sewers spill in heavy rain. */
  csoExposure: number;
  /** Conductivity of the river without wastewater, µS/cm (geology of the catchment). */
  baseConductivity: number;
  /** Diurnal water temperature half-amplitude, °C: small rivers warm and cool faster. */
  diurnalTempAmplitude: number;
  /**
   * Dry-weather discharge, m³/s: a simulation setting sized to the river (small tributary, medium
   * river, large river), not a gauged mean flow. Rain swells it by the factor the dilution model
   * divides concentrations by (1 + flow, environment.ts), so concentration × discharge — the load —
   * stays with the sources, as mass balance says it must.
   */
  baseDischarge: number;
  climate: Climate;
}

const PROFILES: Record<StationId, StationProfile> = {
  // Upstream border station: Czech wastewater (Prague, Ústí) already in the Elbe, no Saxon city yet.
  "DE-ELBE-SCHMILKA": {
    wastewaterShare: 0.4, wastewaterDelayHours: 14, rainResponse: 0.5, flowRiseHours: 18, flowRecessionHours: 60,
    csoExposure: 0.3, baseConductivity: 380, diurnalTempAmplitude: 0.5, baseDischarge: 250, climate: "central-europe",
  },
  // Below Dresden's main plant (Kaditz): a larger, fresher wastewater share with a clear rhythm.
  "DE-ELBE-ZEHREN": {
    wastewaterShare: 0.75, wastewaterDelayHours: 6, rainResponse: 0.5, flowRiseHours: 18, flowRecessionHours: 60,
    csoExposure: 0.8, baseConductivity: 380, diurnalTempAmplitude: 0.5, baseDischarge: 280, climate: "central-europe",
  },
  // Leaving Saxony: Dresden's and Meißen's wastewater, partly mixed and degraded on the way.
  "DE-ELBE-DOMMITZSCH": {
    wastewaterShare: 0.65, wastewaterDelayHours: 20, rainResponse: 0.5, flowRiseHours: 24, flowRecessionHours: 72,
    csoExposure: 0.4, baseConductivity: 390, diurnalTempAmplitude: 0.5, baseDischarge: 300, climate: "central-europe",
  },
  // Small river, "strong rain response": fast, large swells and short recessions.
  "DE-ZSCHOPAU-WALDHEIM": {
    wastewaterShare: 0.5, wastewaterDelayHours: 4, rainResponse: 1.6, flowRiseHours: 4, flowRecessionHours: 18,
    csoExposure: 0.6, baseConductivity: 300, diurnalTempAmplitude: 1.3, baseDischarge: 15, climate: "central-europe",
  },
  // Mulde before leaving Saxony: medium river, towns (Grimma, Eilenburg) upstream.
  "DE-MULDE-BADDUEBEN": {
    wastewaterShare: 0.55, wastewaterDelayHours: 10, rainResponse: 0.9, flowRiseHours: 10, flowRecessionHours: 36,
    csoExposure: 0.5, baseConductivity: 330, diurnalTempAmplitude: 0.9, baseDischarge: 50, climate: "central-europe",
  },
  // Upstream of Chongqing's centre: least urban wastewater of the Chongqing stations.
  "CN-JIALING-BEIBEI": {
    wastewaterShare: 0.35, wastewaterDelayHours: 8, rainResponse: 0.8, flowRiseHours: 12, flowRecessionHours: 48,
    csoExposure: 0.4, baseConductivity: 330, diurnalTempAmplitude: 0.6, baseDischarge: 1500, climate: "sichuan-basin",
  },
  // City-centre confluence: urban wastewater close by, strong combined-sewer influence.
  "CN-YANGTZE-CHAOTIANMEN": {
    wastewaterShare: 0.65, wastewaterDelayHours: 3, rainResponse: 0.6, flowRiseHours: 18, flowRecessionHours: 72,
    csoExposure: 0.9, baseConductivity: 350, diurnalTempAmplitude: 0.4, baseDischarge: 9000, climate: "sichuan-basin",
  },
  // Below the city: the whole of central Chongqing's wastewater.
  "CN-YANGTZE-CUNTAN": {
    wastewaterShare: 0.8, wastewaterDelayHours: 5, rainResponse: 0.6, flowRiseHours: 18, flowRecessionHours: 72,
    csoExposure: 0.7, baseConductivity: 350, diurnalTempAmplitude: 0.4, baseDischarge: 10000, climate: "sichuan-basin",
  },
};

/** Stations added to the catalog later get a middle-of-the-road profile until someone tunes one. */
export function profileFor(station: Station): StationProfile {
  return (
    PROFILES[station.id] ?? {
      wastewaterShare: 0.5, wastewaterDelayHours: 8, rainResponse: 0.8, flowRiseHours: 12, flowRecessionHours: 48,
      csoExposure: 0.5, baseConductivity: 350, diurnalTempAmplitude: 0.7, baseDischarge: 100,
      climate: station.region === "chongqing" ? "sichuan-basin" : "central-europe",
    }
  );
}

/**
 * Where a river flows into another, at which kilometre of the receiving river: a plume continues
 * there. The Jialing joins the Yangtze at Chaotianmen (Yangtze km 55 in the catalog's kilometrage).
 */
const CONFLUENCES: Readonly<Record<string, { river: string; km: number }>> = {
  jialing: { river: "yangtze", km: 55 },
};

/**
 * Stations a plume entering a river passes, upstream first: the river's stations in flow direction
 * (catalog river kilometres), then those below the confluence of the river it flows into.
 */
export function downstreamStations(catalog: CatalogSnapshot, river: string): StationId[] {
  const chain = catalog.riverStations(river).map((s) => s.id);
  const next = CONFLUENCES[river];
  if (!next) return chain;
  const below = catalog.riverStations(next.river).filter((s) => s.riverKm !== null && s.riverKm >= next.km);
  return [...chain, ...below.map((s) => s.id)];
}

export interface ClimateProfile {
  /** Mean and half-amplitude of the seasonal water temperature cycle, °C; warmest on `warmestDay`. */
  meanWaterTemp: number;
  seasonalTempAmplitude: number;
  warmestDay: number;
  /** Probability that a 3-hour slot starts a rain event, in the driest and the wettest month. */
  rainChanceDry: number;
  rainChanceWet: number;
  /** Day of year in the middle of the wet season. */
  wettestDay: number;
}

export const CLIMATES: Record<Climate, ClimateProfile> = {
  // Saxon rivers: ~2 °C in January to ~20 °C in late July; summer convective storms.
  "central-europe": {
    meanWaterTemp: 11, seasonalTempAmplitude: 8.5, warmestDay: 205, rainChanceDry: 0.03, rainChanceWet: 0.05, wettestDay: 190,
  },
  // Chongqing: mild winters, hot summers, monsoon rain May–September.
  "sichuan-basin": {
    meanWaterTemp: 19, seasonalTempAmplitude: 6.5, warmestDay: 215, rainChanceDry: 0.015, rainChanceWet: 0.08, wettestDay: 190,
  },
};
