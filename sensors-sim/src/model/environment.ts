// The state of the river and the weather at a station and instant: the common drivers that every
// parameter model reads (light, temperature, rain-driven flow, sewer overflows, wastewater rhythm).
// A pure function of (seed, station, t): rain events are drawn per 3-hour slot with counter-based
// randomness, so any instant can be evaluated without replaying history.
import type { Station } from "../../../common/catalog-model.ts";
import { hashUniform, stringKey } from "./random.ts";
import { CLIMATES, profileFor, type ClimateProfile, type StationProfile } from "./station-profiles.ts";
import { civilHour, clearSkyLight, dayOfYear, solarHour } from "./sun-and-clock.ts";

const HOUR_MS = 3_600_000;
const RAIN_SLOT_MS = 3 * HOUR_MS;
const RAIN_KEY = 0x7a11;
/** Rain heavier than this (relative intensity) overflows combined sewers. */
const CSO_THRESHOLD = 1.2;
const CSO_DECAY_HOURS = 4;

export interface Environment {
  /** Instant, epoch ms. */
  t: number;
  solarHour: number;
  civilHour: number;
  /** Light at the water surface, 0–1, after clouds. */
  light: number;
  /** Light two hours ago, 0–1: the sun exposure of the water now passing (photodegradation). */
  exposure: number;
  /** Photosynthesis potential of the day, 0–1: noon sun height × clouds × warmth. */
  productivity: number;
  /** Seasonal phase: +1 in the warmest week, -1 in the coldest. */
  season: number;
  /** Water temperature, °C, before sensor noise. */
  waterTemp: number;
  /** Extra flow from rain relative to base flow (0 = dry weather): dilutes wastewater. */
  flow: number;
  /** Combined-sewer-overflow intensity reaching the station (0 = none). */
  cso: number;
  /** Rain falling now (relative intensity, decays over a few hours): clouds. */
  rainNow: number;
  /** Wastewater load shape at the station, -1 (night minimum) to +1 (peak). */
  wastewaterRhythm: number;
}

export class EnvironmentModel {
  readonly profile: StationProfile;
  private readonly regionKey: number;
  private readonly stationKey: number;
  private readonly slots = new Map<number, RainEvent | null>();

  constructor(
    private readonly seed: number,
    readonly station: Station,
  ) {
    this.profile = profileFor(station);
    // Weather is shared by a region (one storm wets all Saxon catchments); its strength varies per station.
    this.regionKey = stringKey(station.region);
    this.stationKey = stringKey(station.id);
  }

  at(t: number): Environment {
    const { station, profile } = this;
    const climate = CLIMATES[profile.climate];
    const doy = dayOfYear(t);
    const season = Math.cos((2 * Math.PI * (doy - climate.warmestDay)) / 365);
    const sHour = solarHour(t, station.lon);
    const rain = this.rainAt(t);
    const cloud = Math.min(1, rain.rainNow);
    const light = clearSkyLight(t, station.lat, station.lon) * (1 - 0.7 * cloud);

    const exposure = clearSkyLight(t - 2 * HOUR_MS, station.lat, station.lon) * (1 - 0.7 * cloud);
    const diurnal = profile.diurnalTempAmplitude * Math.cos((2 * Math.PI * (sHour - 16)) / 24) * (1 - 0.5 * cloud);
    // Rain water and snowmelt are colder than a summer river; a swell cools it a little.
    const waterTemp = Math.max(
      0.5,
      climate.meanWaterTemp + climate.seasonalTempAmplitude * season + diurnal - 0.8 * Math.min(2, rain.flow),
    );
    const noon = t - ((sHour - 12) * HOUR_MS);
    const noonLight = clearSkyLight(noon, station.lat, station.lon);
    const warmth = Math.min(1, Math.max(0.2, waterTemp / 22));
    const productivity = noonLight * (1 - 0.6 * cloud) * warmth;

    // Plants' load peaks in the late morning (people get up, shower, take medicine), at night it is low;
    // the second harmonic makes the peak sharper than the trough, as in measured inflow curves.
    const hAtPlant = civilHour(t - profile.wastewaterDelayHours * HOUR_MS, station.timezone);
    const phase = (2 * Math.PI * (hAtPlant - 11)) / 24;
    const wastewaterRhythm = 0.8 * Math.cos(phase) + 0.2 * Math.cos(2 * phase);

    return {
      t, solarHour: sHour, civilHour: civilHour(t, station.timezone), light, exposure, productivity, season, waterTemp,
      flow: rain.flow, cso: rain.cso, rainNow: rain.rainNow, wastewaterRhythm,
    };
  }

  /** Sum of the responses to every rain event still felt at t. */
  private rainAt(t: number): { flow: number; cso: number; rainNow: number } {
    const { profile } = this;
    const climate = CLIMATES[profile.climate];
    const lookbackMs = 5 * profile.flowRecessionHours * HOUR_MS;
    const lastSlot = Math.floor(t / RAIN_SLOT_MS);
    const firstSlot = Math.floor((t - lookbackMs) / RAIN_SLOT_MS);
    let flow = 0;
    let cso = 0;
    let rainNow = 0;
    for (let slot = firstSlot; slot <= lastSlot; slot++) {
      const event = this.rainEvent(slot, climate);
      if (!event) continue;
      const { local, start } = event;
      const dtHours = (t - start) / HOUR_MS;
      if (dtHours < 0) continue;
      rainNow += local * Math.exp(-dtHours / 3);
      flow += profile.rainResponse * local * (1 - Math.exp(-dtHours / profile.flowRiseHours)) * Math.exp(-dtHours / profile.flowRecessionHours);
      if (local > CSO_THRESHOLD) {
        // Overflows start within the hour and travel with the wastewater from the city to the station.
        const csoHours = dtHours - 0.5 * profile.wastewaterDelayHours;
        if (csoHours > 0) cso += profile.csoExposure * (local - CSO_THRESHOLD) * (1 - Math.exp(-csoHours)) * Math.exp(-csoHours / CSO_DECAY_HOURS);
      }
    }
    return { flow, cso, rainNow };
  }

  /** The rain event starting in a 3-hour slot, if any. Memoised: consecutive instants share slots. */
  private rainEvent(slot: number, climate: ClimateProfile): RainEvent | null {
    const cached = this.slots.get(slot);
    if (cached !== undefined) return cached;
    const slotStart = slot * RAIN_SLOT_MS;
    const wet = 0.5 + 0.5 * Math.cos((2 * Math.PI * (dayOfYear(slotStart) - climate.wettestDay)) / 365);
    const chance = climate.rainChanceDry + (climate.rainChanceWet - climate.rainChanceDry) * wet;
    let event: RainEvent | null = null;
    if (hashUniform(this.seed, RAIN_KEY, this.regionKey, slot) < chance) {
      // Exponential intensities: many showers, few downpours.
      const intensity = -Math.log(1 - hashUniform(this.seed, RAIN_KEY, this.regionKey, slot, 1) * 0.999);
      event = {
        local: intensity * (0.6 + 0.8 * hashUniform(this.seed, RAIN_KEY, this.stationKey, slot, 2)),
        start: slotStart + hashUniform(this.seed, RAIN_KEY, this.regionKey, slot, 3) * RAIN_SLOT_MS,
      };
    }
    if (this.slots.size > 4_000) this.slots.clear();
    this.slots.set(slot, event);
    return event;
  }
}

interface RainEvent {
  /** Relative intensity at this station. */
  local: number;
  /** Start, epoch ms. */
  start: number;
}
