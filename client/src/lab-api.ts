// Typed calls for lab results (server/src/lab/lab-routes.ts, validation-routes.ts): reading results,
// uploading a file for a dry run and applying it, the import history with its undo preview and
// undo, mapping presets, and the sensor validation. Changes go through ApiClient (CSRF header).
import type { LabValidationResponse } from "../../common/lab-validation.ts";
import type {
  LabImportReport,
  LabImportsResponse,
  LabMapping,
  LabMappingInput,
  LabMappingPreset,
  LabResultInfo,
  LabResultsResponse,
  LabUndoPreview,
  LabUndoResponse,
} from "../../common/lab.ts";
import type { ApiClient } from "./api.ts";

export interface LabResultsQuery {
  stations: readonly string[];
  parameters: readonly string[];
  from: number;
  to: number;
}

export interface LabUploadOptions {
  /** A saved preset by name, or a mapping of its own (not both). */
  preset?: string;
  mapping?: LabMappingInput;
  encoding?: LabMapping["encoding"];
  /** From the dry run: apply exactly what it showed. */
  previewToken?: string;
  onlyValid?: boolean;
  note?: string;
}

export interface ValidationQuery {
  station: string;
  parameter: string;
  sensor: string;
  from: number;
  to: number;
  grabWindowMinutes?: number;
  minCoverage?: number;
  errorRatio?: number;
}

export function validationQuery(q: ValidationQuery): URLSearchParams {
  const params = new URLSearchParams({ station: q.station, parameter: q.parameter, sensor: q.sensor, from: String(Math.floor(q.from)), to: String(Math.ceil(q.to)) });
  if (q.grabWindowMinutes !== undefined) params.set("grabWindowMinutes", String(q.grabWindowMinutes));
  if (q.minCoverage !== undefined) params.set("minCoverage", String(q.minCoverage));
  if (q.errorRatio !== undefined) params.set("errorRatio", String(q.errorRatio));
  return params;
}

export class LabApi {
  constructor(private readonly api: ApiClient) {}

  async results(q: LabResultsQuery, signal?: AbortSignal): Promise<LabResultInfo[]> {
    if (q.stations.length === 0 || q.parameters.length === 0) return [];
    const params = new URLSearchParams({ stations: q.stations.join(","), parameters: q.parameters.join(","), from: String(Math.floor(q.from)), to: String(Math.ceil(q.to)) });
    return (await this.api.get<LabResultsResponse>(`/api/v1/lab/results?${params}`, signal)).results;
  }

  /** A dry run without `previewToken`; with it, the import is applied. */
  upload(file: File, options: LabUploadOptions): Promise<LabImportReport> {
    const params = new URLSearchParams();
    if (options.preset) params.set("preset", options.preset);
    else if (options.mapping) params.set("mapping", JSON.stringify(options.mapping));
    if (options.encoding && options.encoding !== "auto") params.set("encoding", options.encoding);
    if (options.previewToken) {
      params.set("previewToken", options.previewToken);
      if (options.onlyValid) params.set("onlyValid", "true");
      if (options.note) params.set("note", options.note);
    } else params.set("dryRun", "true");
    return this.api.upload<LabImportReport>(`/api/v1/lab/imports?${params}`, file, { "x-file-name": encodeURIComponent(file.name) });
  }

  async imports(limit = 50): Promise<LabImportsResponse["imports"]> {
    return (await this.api.get<LabImportsResponse>(`/api/v1/lab/imports?limit=${limit}`)).imports;
  }

  undoPreview(id: number): Promise<LabUndoPreview> {
    return this.api.get(`/api/v1/lab/imports/${id}/undo-preview`);
  }

  undo(id: number, reason: string): Promise<LabUndoResponse> {
    return this.api.send("POST", `/api/v1/lab/imports/${id}/undo`, { reason });
  }

  async presets(): Promise<LabMappingPreset[]> {
    return (await this.api.get<{ presets: LabMappingPreset[] }>("/api/v1/lab/mapping-presets")).presets;
  }

  savePreset(name: string, mapping: LabMappingInput, existing?: LabMappingPreset): Promise<LabMappingPreset> {
    return existing ? this.api.send("PATCH", `/api/v1/lab/mapping-presets/${existing.id}`, { mapping }) : this.api.send("POST", "/api/v1/lab/mapping-presets", { name, mapping });
  }

  validation(q: ValidationQuery, signal?: AbortSignal): Promise<LabValidationResponse> {
    return this.api.get(`/api/v1/lab/validation?${validationQuery(q)}`, signal);
  }
}

export const LAB_TEMPLATE_URL = "/api/v1/lab/template";

export function validationCsvUrl(q: ValidationQuery): string {
  return `/api/v1/lab/validation.csv?${validationQuery(q)}`;
}
