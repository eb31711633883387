// Typed calls for the managed catalog (server/src/catalog/*-routes.ts): history, export, import with
// its dry run, and the admin changes of stations, parameters, sensors, standards and reference data.
// Every change answers the catalog version after it; the page then reloads the catalog (the live
// `catalogChanged` event does the same for every other open dashboard).
import type { CatalogHistoryResponse, CatalogImportResponse, CatalogResponse, CatalogVersionResponse, StationRetirement } from "../../common/api-types.ts";
import type { CatalogEntityKind } from "../../common/catalog-diff.ts";
import type { Calibration, Parameter, QualityStandard, Sensor, Station } from "../../common/catalog-model.ts";
import type { ApiClient } from "./api.ts";

export type ReferenceKind = "organisations" | "regions" | "rivers" | "sources";

export interface Changed {
  version: number;
}

const enc = encodeURIComponent;

export class CatalogApi {
  constructor(private readonly api: ApiClient) {}

  asOf(time: string): Promise<CatalogResponse> {
    return this.api.get(`/api/v1/catalog?asOf=${enc(time)}`);
  }

  history(query: { before?: number; entity?: CatalogEntityKind; key?: string; limit?: number } = {}): Promise<CatalogHistoryResponse> {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    return this.api.get(`/api/v1/catalog/history${[...q].length ? `?${q}` : ""}`);
  }

  version(version: number): Promise<CatalogVersionResponse> {
    return this.api.get(`/api/v1/catalog/history/${version}`);
  }

  exportUrl(asOf?: string): string {
    return `/api/v1/catalog/export${asOf ? `?asOf=${enc(asOf)}` : ""}`;
  }

  /** The dry run: what the file would add, change and remove. */
  dryRun(file: unknown): Promise<CatalogImportResponse> {
    return this.api.send("POST", "/api/v1/catalog/import", file);
  }

  /** Applies the file, only if the catalog is still at `baseVersion` (that of the dry run). */
  apply(file: unknown, baseVersion: number): Promise<CatalogImportResponse> {
    return this.api.send("POST", `/api/v1/catalog/import?apply=true&baseVersion=${baseVersion}`, file);
  }

  createStation(station: Station, simulatedSensors: string[] = []): Promise<Changed & { station: Station }> {
    return this.api.send("POST", "/api/v1/catalog/stations", { ...station, ...(simulatedSensors.length ? { simulatedSensors } : {}) });
  }

  /** A PATCH: the fields given replace the station's; null removes an optional one (note). */
  updateStation(id: string, changes: Record<string, unknown>): Promise<Changed & { station: Station }> {
    return this.api.send("PATCH", `/api/v1/catalog/stations/${enc(id)}`, changes);
  }

  retirement(id: string): Promise<StationRetirement> {
    return this.api.get(`/api/v1/catalog/stations/${enc(id)}/retirement`);
  }

  retire(id: string): Promise<Changed & { station: Station }> {
    return this.api.send("POST", `/api/v1/catalog/stations/${enc(id)}/retire`, {});
  }

  deleteStation(id: string): Promise<Changed> {
    return this.api.send("DELETE", `/api/v1/catalog/stations/${enc(id)}`);
  }

  createParameter(parameter: Parameter): Promise<Changed> {
    return this.api.send("POST", "/api/v1/catalog/parameters", parameter);
  }

  updateParameter(code: string, changes: Record<string, unknown>): Promise<Changed> {
    return this.api.send("PATCH", `/api/v1/catalog/parameters/${enc(code)}`, changes);
  }

  createSensor(sensor: Sensor): Promise<Changed & { sensor: Sensor }> {
    return this.api.send("POST", "/api/v1/catalog/sensors", sensor);
  }

  updateSensor(id: string, changes: Partial<Sensor>): Promise<Changed & { sensor: Sensor }> {
    return this.api.send("PATCH", `/api/v1/catalog/sensors/${enc(id)}`, changes);
  }

  install(id: string, body: { station: string; from: string; primary: boolean }): Promise<Changed & { sensor: Sensor }> {
    return this.api.send("POST", `/api/v1/catalog/sensors/${enc(id)}/deployments`, body);
  }

  endDeployment(id: string, to: string): Promise<Changed & { sensor: Sensor }> {
    return this.api.send("POST", `/api/v1/catalog/sensors/${enc(id)}/deployments/end`, { to });
  }

  move(id: string, body: { station: string; at: string; primary: boolean }): Promise<Changed & { sensor: Sensor }> {
    return this.api.send("POST", `/api/v1/catalog/sensors/${enc(id)}/move`, body);
  }

  calibrate(id: string, calibration: Omit<Calibration, "version">): Promise<Changed & { sensor: Sensor; calibration: number }> {
    return this.api.send("POST", `/api/v1/catalog/sensors/${enc(id)}/calibrations`, calibration);
  }

  createStandard(standard: QualityStandard): Promise<Changed> {
    return this.api.send("POST", "/api/v1/catalog/standards", standard);
  }

  newVersion(id: string, version: Partial<QualityStandard> & { validFrom: string }): Promise<Changed & { versions: QualityStandard[] }> {
    return this.api.send("POST", `/api/v1/catalog/standards/${enc(id)}/versions`, version);
  }

  endStandard(id: string, validTo: string): Promise<Changed> {
    return this.api.send("POST", `/api/v1/catalog/standards/${enc(id)}/end`, { validTo });
  }

  createReference(kind: ReferenceKind, entity: object): Promise<Changed> {
    return this.api.send("POST", `/api/v1/catalog/${kind}`, entity);
  }

  updateReference(kind: ReferenceKind, id: string, changes: object): Promise<Changed> {
    return this.api.send("PATCH", `/api/v1/catalog/${kind}/${enc(id)}`, changes);
  }

  deleteReference(kind: ReferenceKind, id: string): Promise<Changed> {
    return this.api.send("DELETE", `/api/v1/catalog/${kind}/${enc(id)}`);
  }
}
