// The spill scenario: a slug of one compound enters a river upstream of its first station and is
// carried downstream. Travel time = river distance / velocity, where river distance is the great-
// circle distance between consecutive stations times a sinuosity factor (rivers meander). The plume
// is a Gaussian pulse in time that spreads with distance (longitudinal dispersion): its width grows
// with √(1 + x/L) and, mass being conserved, its peak falls by the same factor.
import type { ParameterCode, Station, StationId } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { convertUnit } from "../../../common/units.ts";
import { downstreamStations } from "./station-profiles.ts";

export interface SpillScenario {
  /** Catalog river id, e.g. "elbe". */
  river: string;
  compound: ParameterCode;
  /** When the slug enters the river, epoch ms. */
  entryTime: number;
  /** Peak at the first station as a multiple of the compound's (strictest) MAC-EQS. */
  peakTimesMac: number;
  /** Mean flow velocity, m/s. The Elbe in Saxony runs at roughly 1 m/s at mean flow. */
  velocityMs: number;
  /** River length per straight-line length between stations. */
  sinuosity: number;
  /** Where the slug enters, km upstream of the first station (along the river). */
  entryDistanceKm: number;
  /** Standard deviation of the pulse in time as it enters, ms. */
  entryWidthMs: number;
  /** Dispersion length scale, km. */
  dispersionKm: number;
}

export const SPILL_DEFAULTS = {
  river: "elbe",
  compound: "clarithromycin",
  peakTimesMac: 3,
  velocityMs: 1.0,
  sinuosity: 1.3,
  entryDistanceKm: 10,
  entryWidthMs: 30 * 60_000,
  dispersionKm: 50,
} as const;

export interface PlumeArrival {
  station: StationId;
  /** River distance from the entry point, km. */
  distanceKm: number;
  /** Time of the peak at the station, epoch ms. */
  peakTime: number;
  /** Peak concentration added to the background, in the compound's unit. */
  peak: number;
  /** Standard deviation of the pulse at the station, ms. */
  widthMs: number;
}

/** Great-circle distance in km (haversine, mean Earth radius). */
export function greatCircleKm(a: Pick<Station, "lat" | "lon">, b: Pick<Station, "lat" | "lon">): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The strictest MAC-EQS the catalog lists for a compound (any scope), in its unit; the spill must exceed it. */
export function strictestMac(catalog: CatalogSnapshot, compound: ParameterCode): number {
  const parameter = catalog.parameter(compound);
  const macs = catalog
    .standardsOf(compound)
    .filter((s) => s.kind === "MAC-EQS" && s.value !== undefined)
    .map((s) => (parameter ? convertUnit(s.value!, s.unit, parameter.unit) : undefined))
    .filter((v): v is number => v !== undefined);
  if (macs.length === 0) throw new Error(`"${compound}" has no MAC-EQS in the catalog; a spill needs a compound that has one`);
  return Math.min(...macs);
}

/** Where and when the plume peaks at each station of the river, upstream first. */
export function planSpill(scenario: SpillScenario, catalog: CatalogSnapshot): PlumeArrival[] {
  const chain = downstreamStations(catalog, scenario.river);
  if (chain.length === 0) throw new Error(`No stations on river "${scenario.river}"`);
  const byId = new Map(catalog.stations.map((s) => [s.id, s]));
  const mac = strictestMac(catalog, scenario.compound);
  const arrivals: PlumeArrival[] = [];
  let distanceKm = scenario.entryDistanceKm;
  let previous: Station | undefined;
  for (const id of chain) {
    const station = byId.get(id);
    if (!station) throw new Error(`Station ${id} of the ${scenario.river} chain is not in the catalog`);
    if (previous) distanceKm += greatCircleKm(previous, station) * scenario.sinuosity;
    previous = station;
    const spread = Math.sqrt(1 + (distanceKm - scenario.entryDistanceKm) / scenario.dispersionKm);
    arrivals.push({
      station: id,
      distanceKm,
      peakTime: scenario.entryTime + Math.round((distanceKm * 1000) / scenario.velocityMs) * 1000,
      peak: (scenario.peakTimesMac * mac) / spread,
      widthMs: scenario.entryWidthMs * spread,
    });
  }
  return arrivals;
}

/** Concentration the plume adds at a station at instant t (0 when the station is not on its path). */
export function plumeConcentration(arrival: PlumeArrival | undefined, t: number): number {
  if (!arrival) return 0;
  const z = (t - arrival.peakTime) / arrival.widthMs;
  return Math.abs(z) > 8 ? 0 : arrival.peak * Math.exp(-0.5 * z * z);
}
