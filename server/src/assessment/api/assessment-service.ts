// Assessments of many stations × parameters over one period: each series is looked up in the cache
// by (what of the catalog it depends on — catalog-fingerprints.ts —, period, options, station,
// parameter, the station's data version, how the data source reads the period) and only the missing ones are computed — in batches of stations that share
// a time zone, each batch read from InfluxDB and the lab store in one go, so memory holds a few
// batches' values at a time however large the table.
import { DateTime } from "luxon";
import { LRUCache } from "lru-cache";
import type { AssessmentInclude } from "../../../../common/assessment-api.ts";
import type { Parameter, Station } from "../../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import type { Logger } from "../../../../common/logger.ts";
import { chunked } from "../../meta/chunked.ts";
import type { Clock } from "../../util/clock.ts";
import { stationClass, type StationClass } from "../gb3838.ts";
import { calendarYear, periodRange, rollingTwelveMonths, type AssessmentPeriod } from "../period.ts";
import { standardsForPeriod } from "../standards-in-period.ts";
import { seriesKey, type AssessmentDataSource, type LabValues, type SensorDailyMean } from "../data/data-source.ts";
import type { DataVersions } from "../data/data-versions.ts";
import type { AssessmentOptionsQuery, PeriodBound, PeriodChoice } from "./assessment-params.ts";
import { CatalogFingerprints } from "./catalog-fingerprints.ts";
import { outcomeSize, seriesOutcome, type SeriesOptions, type SeriesOutcome } from "./series-outcome.ts";

export const DISCHARGE = "discharge";
/** Where a cache key holds the station id and the parameter code (see key()). */
const KEY_STATION = 5;
const KEY_PARAMETER = 6;

export interface StationOutcome {
  station: Station;
  period: AssessmentPeriod;
  series: SeriesOutcome[];
  class: StationClass | null;
}

export interface AssessRequest extends AssessmentOptionsQuery {
  catalog: CatalogSnapshot;
  period: PeriodChoice;
  stations: readonly Station[];
  parameters: readonly Parameter[];
  include: ReadonlySet<AssessmentInclude>;
}

export interface AssessOutcome {
  stations: StationOutcome[];
  cache: { hits: number; misses: number };
}

export interface AssessmentServiceOptions {
  /** Cache bound in bytes (rough sizes, series-outcome.ts outcomeSize). */
  cacheBytes?: number;
  /** Stations read and assessed together. */
  stationsPerBatch?: number;
  /** Batches in flight. */
  concurrency?: number;
}

/** The station's period for the choice, in its time zone. */
export function periodFor(choice: PeriodChoice, zone: string, now: number): AssessmentPeriod {
  switch (choice.kind) {
    case "calendar-year":
      return calendarYear(choice.year, zone);
    case "rolling-12-months":
      // Complete local days: the twelve months up to today's local midnight.
      return rollingTwelveMonths(DateTime.fromMillis(now, { zone }).startOf("day").toMillis(), zone);
    case "range": {
      const at = (b: PeriodBound) => ("date" in b ? DateTime.fromISO(b.date, { zone }).toMillis() : b.instant);
      return periodRange(at(choice.from), at(choice.to), zone);
    }
  }
}

interface Pending {
  station: Station;
  period: AssessmentPeriod;
  parameters: Parameter[];
  keys: string[];
}

export class AssessmentService {
  private readonly cache: LRUCache<string, SeriesOutcome>;
  private readonly stationsPerBatch: number;
  private readonly concurrency: number;
  private readonly prints = new CatalogFingerprints();

  constructor(
    private readonly data: AssessmentDataSource,
    private readonly versions: DataVersions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: AssessmentServiceOptions = {},
  ) {
    this.cache = new LRUCache({ maxSize: options.cacheBytes ?? 128 * 1024 * 1024, sizeCalculation: outcomeSize });
    this.stationsPerBatch = options.stationsPerBatch ?? 25;
    this.concurrency = options.concurrency ?? 2;
  }

  /** What a cache key holds of a request: the options, and per zone the period and how the source reads it. */
  private requestKey(req: AssessRequest): string {
    return [req.basis, req.approvedOnly, req.asOf ?? "", req.macMode, req.versionRule, [...req.include].sort().join("+")].join(",");
  }

  private key(req: AssessRequest, options: string, zoneKey: string, station: Station, stationVersion: string, parameter: Parameter): string {
    const sensor = req.sensors.get(seriesKey(station.id, parameter.code))?.id ?? "";
    // Layout read back by catalogChanged: station and parameter fingerprints first, ids at KEY_STATION/KEY_PARAMETER.
    return [
      this.prints.station(req.catalog, station.id),
      this.prints.parameter(req.catalog, parameter.code),
      req.include.has("loads") ? this.prints.parameter(req.catalog, DISCHARGE) : "",
      zoneKey,
      options,
      station.id,
      parameter.code,
      sensor,
      stationVersion,
    ].join("|");
  }

  /** Series held in the cache. */
  get cached(): number {
    return this.cache.size;
  }

  /**
   * The catalog changed: drop the series whose station, parameter or discharge no longer has the
   * fingerprint it was computed with (they could never be hit again), and keep every other.
   */
  catalogChanged(catalog: CatalogSnapshot): number {
    let dropped = 0;
    for (const key of [...this.cache.keys()]) {
      const part = key.split("|");
      const stale =
        part[0] !== this.prints.station(catalog, part[KEY_STATION]!) ||
        part[1] !== this.prints.parameter(catalog, part[KEY_PARAMETER]!) ||
        (part[2] !== "" && part[2] !== this.prints.parameter(catalog, DISCHARGE));
      if (stale && this.cache.delete(key)) dropped++;
    }
    this.logger.info({ catalogVersion: catalog.version, dropped, kept: this.cache.size }, "assessment cache follows the catalog");
    return dropped;
  }

  async assess(req: AssessRequest): Promise<AssessOutcome> {
    const now = this.clock.now();
    const results = new Map<string, SeriesOutcome>();
    const pending: Pending[] = [];
    const periods = new Map<string, AssessmentPeriod>();
    const options = this.requestKey(req);
    // Periods and read keys per zone (a table's stations share a few zones), data versions per station.
    const zones = new Map<string, { period: AssessmentPeriod; key: string }>();
    let hits = 0;
    for (const station of req.stations) {
      let zone = zones.get(station.timezone);
      if (!zone) {
        const p = periodFor(req.period, station.timezone, now);
        zone = { period: p, key: `${p.kind}:${p.from}:${p.to}:${p.zone}:${this.data.readKey(p.from, p.to, p.zone)}` };
        zones.set(station.timezone, zone);
      }
      const period = zone.period;
      periods.set(station.id, period);
      const version = this.versions.of(station.id, period.from, period.to);
      const missing: Pending = { station, period, parameters: [], keys: [] };
      for (const parameter of req.parameters) {
        const key = this.key(req, options, zone.key, station, version, parameter);
        const hit = this.cache.get(key);
        if (hit) {
          hits++;
          results.set(seriesKey(station.id, parameter.code), hit);
        } else {
          missing.parameters.push(parameter);
          missing.keys.push(key);
        }
      }
      if (missing.parameters.length > 0) pending.push(missing);
    }
    const misses = pending.reduce((n, p) => n + p.parameters.length, 0);
    if (pending.length > 0) await this.computeAll(req, pending, results);
    const stations = req.stations.map((station): StationOutcome => {
      const series = req.parameters.map((p) => results.get(seriesKey(station.id, p.code))!);
      const classed = series.some((s) => s.assessment.assessments.some((a) => a.standard.kind === "class-limits"));
      return { station, period: periods.get(station.id)!, series, class: classed ? stationClass(series.map((s) => s.assessment), station.targetClass) : null };
    });
    this.logger.debug({ stations: stations.length, parameters: req.parameters.length, hits, misses }, "assessment");
    return { stations, cache: { hits, misses } };
  }

  private async computeAll(req: AssessRequest, pending: Pending[], results: Map<string, SeriesOutcome>): Promise<void> {
    // Stations of one period (the same zone, for calendar years) are read together.
    const groups = new Map<string, Pending[]>();
    for (const p of pending) {
      const key = `${p.period.from}:${p.period.to}:${p.period.zone}`;
      const list = groups.get(key) ?? [];
      list.push(p);
      groups.set(key, list);
    }
    const batches = [...groups.values()].flatMap((list) => [...chunked(list, this.stationsPerBatch)]);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await this.computeBatch(req, batches[next++]!, results);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
  }

  private async computeBatch(req: AssessRequest, batch: Pending[], results: Map<string, SeriesOutcome>): Promise<void> {
    const { catalog } = req;
    const period = batch[0]!.period;
    const parameters = [...new Map(batch.flatMap((p) => p.parameters).map((p) => [p.code, p])).values()];
    const loads = req.include.has("loads") ? catalog.parameter(DISCHARGE) : undefined;
    const stations = batch.map((p) => p.station);
    // Lab basis: the sensor's daily means are needed for the discharge of the loads only.
    const sensorParameters = [...(req.basis === "lab" ? [] : parameters), ...(loads && !parameters.some((p) => p.code === DISCHARGE) ? [loads] : [])];
    const read = { asOf: req.asOf, approvedOnly: req.approvedOnly };
    const [daily, lab] = await Promise.all([
      sensorParameters.length === 0
        ? new Map<string, SensorDailyMean[]>()
        : this.data.dailyMeans({ catalog, stations, parameters: sensorParameters, from: period.from, to: period.to, zone: period.zone, sensors: req.sensors }, read),
      req.basis === "sensor"
        ? ({ values: new Map(), recordedAfterAsOf: new Map() } satisfies LabValues)
        : this.data.labResults({ stations: stations.map((s) => s.id), parameters: parameters.map((p) => p.code), from: period.from, to: period.to }, read),
    ]);
    const options: SeriesOptions = { basis: req.basis, approvedOnly: req.approvedOnly, macMode: req.macMode, versionRule: req.versionRule, include: req.include };
    for (const p of batch) {
      p.parameters.forEach((parameter, i) => {
        const key = seriesKey(p.station.id, parameter.code);
        const outcome = seriesOutcome(
          {
            station: p.station,
            parameter,
            period: p.period,
            standards: standardsForPeriod(catalog, p.station.id, parameter.code, p.period).filter((s) => s.applicable).map((s) => s.standard),
            daily: req.basis === "lab" ? [] : (daily.get(key) ?? []),
            lab: lab.values.get(key) ?? [],
            labRecordedAfterAsOf: lab.recordedAfterAsOf.get(key) ?? 0,
            discharge: daily.get(seriesKey(p.station.id, DISCHARGE)) ?? [],
          },
          options,
        );
        this.cache.set(p.keys[i]!, outcome);
        results.set(key, outcome);
      });
    }
  }
}
