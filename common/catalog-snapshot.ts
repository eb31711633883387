// One version of the catalog with its look-ups: by id, by any name a lab report may use, sensors
// deployed at a station at a time, and the standards that apply there. Immutable: a catalog change
// produces a new snapshot, so a request or a batch works on one consistent catalog throughout.
import type {
  CatalogData,
  Language,
  Organisation,
  Parameter,
  ParameterCode,
  QualityStandard,
  Region,
  River,
  Sensor,
  Source,
  Station,
  StationId,
} from "./catalog-model.ts";
import leven from "leven";
import { effectiveLimit, localName, scopeCovers, validAt, type EffectiveStandard } from "./standards.ts";

/** A sensor's time at a station for a parameter: [from, to). */
export interface Placement {
  sensor: Sensor;
  from: number;
  to: number;
  primary: boolean;
}


export class CatalogSnapshot {
  private readonly stationsById: ReadonlyMap<string, Station>;
  private readonly parametersByCode: ReadonlyMap<string, Parameter>;
  private readonly sensorsById: ReadonlyMap<string, Sensor>;
  private readonly regionsById: ReadonlyMap<string, Region>;
  private readonly riversById: ReadonlyMap<string, River>;
  private readonly organisationsById: ReadonlyMap<string, Organisation>;
  private readonly sourcesById: ReadonlyMap<string, Source>;
  /**
   * station → parameter → deployments, primary first. Nested maps rather than a combined key: ingest
   * asks for the primary sensor of every reading, and building a key string per reading showed up
   * in ingest profiles.
   */
  private readonly placements = new Map<string, Map<string, Placement[]>>();
  private readonly standardsByParameter = new Map<string, QualityStandard[]>();
  private readonly parametersByName = new Map<string, Parameter>();

  /** @param version the catalog version this snapshot shows (increases with every change). */
  constructor(
    readonly data: Readonly<CatalogData>,
    readonly version = 0,
  ) {
    this.stationsById = new Map(data.stations.map((s) => [s.id, s]));
    this.parametersByCode = new Map(data.parameters.map((p) => [p.code, p]));
    this.sensorsById = new Map(data.sensors.map((s) => [s.id, s]));
    this.regionsById = new Map(data.regions.map((r) => [r.id, r]));
    this.riversById = new Map(data.rivers.map((r) => [r.id, r]));
    this.organisationsById = new Map(data.organisations.map((o) => [o.id, o]));
    this.sourcesById = new Map(data.sources.map((s) => [s.id, s]));
    for (const sensor of data.sensors) {
      for (const d of sensor.deployments) {
        let byParameter = this.placements.get(d.station);
        if (!byParameter) this.placements.set(d.station, (byParameter = new Map()));
        const list = byParameter.get(sensor.parameter) ?? [];
        list.push({ sensor, from: Date.parse(d.from), to: d.to === null ? Number.POSITIVE_INFINITY : Date.parse(d.to), primary: d.primary });
        byParameter.set(sensor.parameter, list);
      }
    }
    // Primary first, then the most recent installation: the order sensors are listed on a station page.
    for (const byParameter of this.placements.values()) {
      for (const list of byParameter.values()) list.sort((a, b) => Number(b.primary) - Number(a.primary) || b.from - a.from);
    }
    for (const s of data.standards) {
      const list = this.standardsByParameter.get(s.parameter) ?? [];
      list.push(s);
      this.standardsByParameter.set(s.parameter, list);
    }
    for (const p of data.parameters) {
      for (const name of [p.code, p.cas, p.name.en, p.name.de, p.name.zh, ...p.synonyms]) {
        if (name) this.parametersByName.set(normalise(name), p);
      }
    }
  }

  get stations(): readonly Station[] {
    return this.data.stations;
  }

  get parameters(): readonly Parameter[] {
    return this.data.parameters;
  }

  get sensors(): readonly Sensor[] {
    return this.data.sensors;
  }

  station(id: string): Station | undefined {
    return this.stationsById.get(id);
  }

  parameter(code: string): Parameter | undefined {
    return this.parametersByCode.get(code);
  }

  sensor(id: string): Sensor | undefined {
    return this.sensorsById.get(id);
  }

  region(id: string): Region | undefined {
    return this.regionsById.get(id);
  }

  river(id: string): River | undefined {
    return this.riversById.get(id);
  }

  organisation(id: string): Organisation | undefined {
    return this.organisationsById.get(id);
  }

  source(id: string): Source | undefined {
    return this.sourcesById.get(id);
  }

  stationName(id: StationId, lang: Language = "en"): string {
    const s = this.station(id);
    return s ? localName(s.name, lang) : id;
  }

  parameterName(code: ParameterCode, lang: Language = "en"): string {
    const p = this.parameter(code);
    return p ? localName(p.name, lang) : code;
  }

  /** A parameter by code, name in any language, CAS number or synonym (case and spacing ignored). */
  matchParameter(text: string): Parameter | undefined {
    return this.parametersByName.get(normalise(text));
  }

  /** The closest parameter names to `text`, for "did you mean" messages. */
  suggestParameters(text: string, count = 3): string[] {
    const target = normalise(text);
    const scored = [...this.parametersByName.entries()].map(([name, p]) => ({ code: p.code, d: leven(target, name) }));
    scored.sort((a, b) => a.d - b.d);
    return [...new Set(scored.map((s) => s.code))].slice(0, count);
  }

  private placementsOf(station: StationId, parameter: ParameterCode): readonly Placement[] | undefined {
    return this.placements.get(station)?.get(parameter);
  }

  /** Sensors installed at the station for the parameter at `time`, primary first. */
  sensorsAt(station: StationId, parameter: ParameterCode, time: number): Sensor[] {
    return (this.placementsOf(station, parameter) ?? []).filter((p) => time >= p.from && time < p.to).map((p) => p.sensor);
  }

  /** Every sensor ever deployed at the station (optionally for one parameter), primary first. */
  sensorsOf(station: StationId, parameter?: ParameterCode): Sensor[] {
    const out = new Set<Sensor>();
    for (const p of parameter === undefined ? this.data.parameters.map((x) => x.code) : [parameter]) {
      for (const placement of this.placementsOf(station, p) ?? []) out.add(placement.sensor);
    }
    return [...out];
  }

  /** Parameters the station measures (has had a sensor for), in catalog order. */
  parametersOf(station: StationId): Parameter[] {
    const byParameter = this.placements.get(station);
    return byParameter ? this.data.parameters.filter((p) => byParameter.has(p.code)) : [];
  }

  /** Whether the station has ever had a sensor for the parameter. */
  measures(station: StationId, parameter: ParameterCode): boolean {
    return this.placements.get(station)?.has(parameter) ?? false;
  }

  /** The sensor that readings naming no sensor belong to. */
  primarySensor(station: StationId, parameter: ParameterCode, time: number): Sensor | undefined {
    const list = this.placementsOf(station, parameter);
    if (!list) return undefined;
    for (const p of list) if (p.primary && time >= p.from && time < p.to) return p.sensor;
    return undefined;
  }

  /** The sensor with this id when it is installed at the station for the parameter at `time` (no allocation: ingest asks per reading). */
  installedSensor(station: StationId, parameter: ParameterCode, sensor: string, time: number): Sensor | undefined {
    const list = this.placementsOf(station, parameter);
    if (!list) return undefined;
    for (const p of list) if (p.sensor.id === sensor && time >= p.from && time < p.to) return p.sensor;
    return undefined;
  }

  /**
   * Where a reading of the station's parameter at `time` belongs: the named sensor's placement
   * (installedSensor) or, naming none, the primary one (primarySensor). Its window lets ingest take
   * the next readings of the series without looking again (ingest/reading-check.ts CheckMemo).
   */
  placementAt(station: StationId, parameter: ParameterCode, sensor: string | undefined, time: number): Readonly<Placement> | undefined {
    const list = this.placementsOf(station, parameter);
    if (!list) return undefined;
    for (const p of list) if ((sensor === undefined ? p.primary : p.sensor.id === sensor) && time >= p.from && time < p.to) return p;
    return undefined;
  }

  /**
   * The station's primary sensor for the parameter at `time`, else its most recent primary one (a
   * retired station's last): the sensor a series means when it names none.
   */
  defaultSensor(station: StationId, parameter: ParameterCode, time: number): Sensor | undefined {
    const list = this.placementsOf(station, parameter);
    if (!list) return undefined;
    return this.primarySensor(station, parameter, time) ?? list.find((p) => p.primary)?.sensor ?? list[0]?.sensor;
  }

  /**
   * Whether the sensor is ever a primary sensor of the station for the parameter. Data stored before
   * sensors were tagged belongs to the primary sensor, so queries for it also read untagged points.
   */
  isPrimaryAt(station: StationId, parameter: ParameterCode, sensor: string): boolean {
    return (this.placementsOf(station, parameter) ?? []).some((p) => p.primary && p.sensor.id === sensor);
  }

  /**
   * Every standard of the parameter valid at `time`, with the limit it sets at this station; those
   * whose scope does not cover the station come back with applicable = false (reference lines).
   */
  standardsAt(station: StationId, parameter: ParameterCode, time: number): EffectiveStandard[] {
    const s = this.station(station);
    const p = this.parameter(parameter);
    if (!s || !p) return [];
    const region = this.region(s.region);
    return (this.standardsByParameter.get(parameter) ?? [])
      .filter((std) => validAt(std, time, s.timezone))
      .map((std) => ({
        standard: std,
        limit: effectiveLimit(std, p.unit, s.targetClass),
        targetClass: std.kind === "class-limits" && std.classes?.direction !== "range" ? s.targetClass : null,
        applicable: scopeCovers(std.scope, s, region),
      }));
  }

  /** Every version of every standard of the parameter (history included). */
  standardsOf(parameter: ParameterCode): readonly QualityStandard[] {
    return this.standardsByParameter.get(parameter) ?? [];
  }

  /** Stations on a river in flow direction (by river kilometre; unknown kilometres last). */
  riverStations(river: string): Station[] {
    return this.data.stations
      .filter((s) => s.river === river)
      .sort((a, b) => (a.riverKm ?? Number.POSITIVE_INFINITY) - (b.riverKm ?? Number.POSITIVE_INFINITY));
  }
}

function normalise(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[\s_]+/g, " ").trim();
}
