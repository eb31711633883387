// Typed view of the domain catalog (stations, parameters, limits of detection, quality standards).
// The JSON is the project's own copy of the cooperation's reference catalog; standards are data, not code.
import catalogJson from "./catalog.json" with { type: "json" };

export type StationId = string;
export type ParameterCode = string;

export interface Station {
  id: StationId;
  name: string;
  river: string;
  region: string;
  lat: number;
  lon: number;
  timezone: string;
  note?: string;
}

export type StandardKind = "AA-EQS" | "MAC-EQS" | "watch-list-MDL" | "range" | "min" | "max";

export interface QualityStandard {
  kind: StandardKind;
  value?: number;
  min?: number;
  max?: number;
  source: string;
}

export interface Parameter {
  code: ParameterCode;
  name: string;
  group: string;
  class?: string;
  unit: string;
  typical: [number, number];
  lod?: number;
  note?: string;
  standards: QualityStandard[];
}

export interface Catalog {
  stations: Station[];
  parameters: Parameter[];
  sources: Record<string, string>;
}

export const catalog: Catalog = Object.freeze(catalogJson as unknown as Catalog);

// Looked up for every incoming reading: maps, not scans.
const stationsById = new Map(catalog.stations.map((s) => [s.id, s]));
const parametersByCode = new Map<string, Parameter>(catalog.parameters.map((p) => [p.code, p]));

export function findStation(id: string): Station | undefined {
  return stationsById.get(id);
}

export function findParameter(code: string): Parameter | undefined {
  return parametersByCode.get(code);
}
