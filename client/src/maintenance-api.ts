// Typed calls for maintenance windows (server/src/maintenance/maintenance.ts).
import type { MaintenanceRequest, MaintenanceResponse, MaintenanceWindow } from "../../common/maintenance.ts";
import type { ApiClient } from "./api.ts";

export class MaintenanceApi {
  constructor(private readonly api: ApiClient) {}

  /** Windows active now or planned (of one station, or all). */
  async current(station?: string, signal?: AbortSignal): Promise<MaintenanceWindow[]> {
    const q = station ? `?${new URLSearchParams({ station })}` : "";
    return (await this.api.get<MaintenanceResponse>(`/api/v1/maintenance${q}`, signal)).windows;
  }

  /** A station's windows overlapping [from, to). */
  async overlapping(station: string, from: number, to: number, signal?: AbortSignal): Promise<MaintenanceWindow[]> {
    const q = new URLSearchParams({ station, from: String(Math.floor(from)), to: String(Math.ceil(to)) });
    return (await this.api.get<MaintenanceResponse>(`/api/v1/maintenance?${q}`, signal)).windows;
  }

  create(request: MaintenanceRequest): Promise<MaintenanceWindow> {
    return this.api.send("POST", "/api/v1/maintenance", request);
  }

  end(id: number): Promise<MaintenanceWindow> {
    return this.api.send("POST", `/api/v1/maintenance/${id}/end`, {});
  }
}
