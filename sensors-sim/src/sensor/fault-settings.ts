// Sensor and station faults: their names, how often they start, how long they last and how big
// they are. Rates are "expected starts per sensor (or station) per simulated day", so they do not
// change meaning when the reading interval changes.
export const SENSOR_FAULTS = [
  "noiseBurst",
  "drift",
  "biofouling",
  "stuck",
  "spike",
  "dropout",
  "duplicate",
  "outOfOrder",
] as const;
export const STATION_FAULTS = ["offline", "clockSkew"] as const;
export const FAULT_KINDS = [...SENSOR_FAULTS, ...STATION_FAULTS] as const;

export type SensorFaultKind = (typeof SENSOR_FAULTS)[number];
export type StationFaultKind = (typeof STATION_FAULTS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSettings {
  /** Expected starts per sensor (station faults: per station) per simulated day; 0 disables. */
  ratesPerDay: Record<FaultKind, number>;
  /** Faults started on every selected sensor/station at `forceAt` regardless of the rates. */
  force: FaultKind[];
  /** Epoch ms at which forced faults start (first reading at or after it). */
  forceAt: number | undefined;
  /** Readings in a flat line (all identical, the first one included). */
  stuckReadings: number;
  /** Readings missing in a dropout. */
  dropoutReadings: number;
  /** Readings in a noise burst, and its standard deviation as a fraction of the typical span. */
  noiseBurstReadings: number;
  noiseBurstSpan: number;
  /** Drift: how long until recalibration, and how fast (fraction of the typical span per day). */
  driftMs: number;
  driftSpanPerDay: number;
  /** Biofouling: how long until cleaning, and the relative bias reached by then. */
  biofoulingMs: number;
  biofoulingBias: number;
  /** How many readings later an out-of-order reading is sent. */
  outOfOrderDelayReadings: number;
  /** Station offline: how long nothing is measured or sent. */
  offlineMs: number;
  /** Clock skew: offset added to timestamps, and how long until the clock is synchronised again. */
  clockSkewMs: number;
  clockSkewDurationMs: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export const DEFAULT_FAULT_RATES: Readonly<Record<FaultKind, number>> = Object.freeze({
  noiseBurst: 0.01,
  drift: 0.002,
  biofouling: 0.002,
  stuck: 0.005,
  spike: 0.05,
  dropout: 0.01,
  duplicate: 0.02,
  outOfOrder: 0.02,
  offline: 0.01,
  clockSkew: 0.005,
});

export const NO_FAULTS: Readonly<Record<FaultKind, number>> = Object.freeze(
  Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
);

export const DEFAULT_FAULT_SETTINGS: Readonly<FaultSettings> = Object.freeze({
  ratesPerDay: DEFAULT_FAULT_RATES,
  force: [],
  forceAt: undefined,
  stuckReadings: 12,
  dropoutReadings: 6,
  noiseBurstReadings: 12,
  noiseBurstSpan: 0.08,
  driftMs: 5 * DAY_MS,
  driftSpanPerDay: 0.04,
  biofoulingMs: 10 * DAY_MS,
  biofoulingBias: 0.3,
  outOfOrderDelayReadings: 3,
  offlineMs: 6 * HOUR_MS,
  clockSkewMs: 7 * 60_000 + 13_000,
  clockSkewDurationMs: DAY_MS,
});

export function isStationFault(kind: FaultKind): kind is StationFaultKind {
  return (STATION_FAULTS as readonly string[]).includes(kind);
}
