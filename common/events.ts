// The socket.io event map shared by server and client: compile-time checked names and payloads.
import type { ParameterCode, StationId } from "./catalog-model.ts";
import type { AlertEvent } from "./alerts.ts";
import type { LabResultsChanged } from "./lab.ts";
import type { Reading } from "./reading.ts";

export interface Ack {
  ok: boolean;
  msg?: string;
}

export interface SubscribeRequest {
  stations: StationId[];
}

export interface StorageHealth {
  reachable: boolean;
  error?: string;
}

/** A live reading: as accepted (raw), and "provisional — subject to revision" when raw data is not released. */
export type LiveReading = Reading & { provisional?: true };

export interface ServerToClientEvents {
  /** Readings accepted since the last emit (batched, at most every ~250 ms), for subscribed stations and what the reader may see. */
  readings: (batch: LiveReading[]) => void;
  /** InfluxDB reachability changed. */
  storage: (health: StorageHealth) => void;
  /** An alert started, ended, or is still firing unacknowledged (reminder); sent to every client. */
  alert: (event: AlertEvent) => void;
  /** An alert's record changed without a state change (acknowledged): clients showing it refresh. */
  alertUpdated: (update: { id: number }) => void;
  /** Lab results were imported or an import was undone; sent to every client, which refetches what it shows. */
  labResults: (change: LabResultsChanged) => void;
  /**
   * The catalog changed (an admin edit or import): sent to every client, which loads the catalog of
   * this version (GET /api/v1/catalog) and redraws stations, names, charts and standard lines.
   */
  catalogChanged: (change: { version: number }) => void;
  /** A maintenance window was started, planned or ended: sent to every client, which refetches the windows it shows. */
  maintenance: (change: { id: number; station: StationId }) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (res: Ack) => void) => void;
  unsubscribe: (request: SubscribeRequest, ack: (res: Ack) => void) => void;
}

/** Between instances of one installation (REDIS_URL). */
export interface InterServerEvents {
  /** An alert raised on the engine's instance, for every instance's clients. */
  alert: (event: AlertEvent) => void;
  /** Someone's rights changed on one instance: every instance re-checks those live connections. */
  recheckLive: (scope: { userId: number } | "anonymous") => void;
}

export type { ParameterCode, StationId };
