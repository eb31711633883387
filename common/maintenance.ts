// Maintenance windows, shared by server and client: a station (or one parameter at a station) is "in
// maintenance" over [from, to) — a field visit, cleaning, calibration. Readings taken inside a window
// are stored with a maintenance marker (FIELD.maintenance), never count as valid data, and
// contamination and no-data alerts of the series are held while it lasts.
import type { ParameterCode, StationId } from "./catalog-model.ts";

const DAY_MS = 86_400_000;

/** The longest window accepted: a calendar year, leap years included. A longer "visit" is a decommissioning. */
export const MAX_MAINTENANCE_MS = 366 * DAY_MS;

export interface MaintenanceWindow {
  id: number;
  station: StationId;
  /** null: the whole station. */
  parameter: ParameterCode | null;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive; moved to the moment it was ended when someone ended it early. */
  to: number;
  reason: string;
  createdBy: string;
  createdAt: number;
  /** Set when ended early (or cancelled before it began). */
  endedAt: number | null;
  endedBy: string | null;
  /** Alerts held by the window: distinct rule × series whose breach it kept from being sent. */
  heldAlerts: number;
}

export type MaintenanceStatus = "planned" | "active" | "past";

export function maintenanceStatus(w: Pick<MaintenanceWindow, "from" | "to">, now: number): MaintenanceStatus {
  if (now < w.from) return "planned";
  return now < w.to ? "active" : "past";
}

/** Does the window cover this station's parameter (null: station-wide) at `at`? */
export function windowCovers(w: Pick<MaintenanceWindow, "station" | "parameter" | "from" | "to">, station: string, parameter: string | null, at: number): boolean {
  if (w.station !== station || at < w.from || at >= w.to) return false;
  // A station-wide window covers every parameter; a parameter's window does not cover the station as a whole.
  return w.parameter === null || w.parameter === parameter;
}

/** The first window covering the series at `at`, if any. */
export function windowAt<W extends Pick<MaintenanceWindow, "station" | "parameter" | "from" | "to">>(
  windows: readonly W[],
  station: string,
  parameter: string | null,
  at: number,
): W | undefined {
  return windows.find((w) => windowCovers(w, station, parameter, at));
}

/** POST /api/v1/maintenance: `durationMinutes` from now, or a planned period `from`–`to` (ISO 8601). */
export interface MaintenanceRequest {
  station: StationId;
  parameter?: ParameterCode | null;
  reason: string;
  durationMinutes?: number;
  from?: string;
  to?: string;
}

export interface MaintenanceResponse {
  windows: MaintenanceWindow[];
}
