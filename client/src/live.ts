// Live readings over socket.io, typed with the shared event map. Keeps the set of subscribed
// stations, re-subscribes after a reconnect and tells listeners which period they missed.
import { io, type Socket } from "socket.io-client";
import type { AlertEvent } from "../../common/alerts.ts";
import type { ClientToServerEvents, ServerToClientEvents, StorageHealth } from "../../common/events.ts";
import type { LabResultsChanged } from "../../common/lab.ts";
import type { Reading } from "../../common/reading.ts";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "offline";

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** After this many failed attempts in a row the server counts as unreachable, not just reconnecting. */
const FAILURES_BEFORE_OFFLINE = 3;

export interface LiveListeners {
  readings?: (batch: Reading[]) => void;
  /** Connected again after a disconnect: fetch what arrived since `since` (epoch ms). */
  resync?: (since: number) => void;
  state?: (state: ConnectionState) => void;
  storage?: (health: StorageHealth) => void;
  /** An alert changed state (sent to every client, whatever stations it subscribed to). */
  alert?: (event: AlertEvent) => void;
  /** An alert was acknowledged somewhere: refresh it if shown. */
  alertUpdated?: (id: number) => void;
  /** The catalog changed on the server (an admin's edit or import): load this version. */
  catalogChanged?: (version: number) => void;
  /** Lab results were imported or an import undone. */
  labResults?: (change: LabResultsChanged) => void;
  /** A maintenance window was started, planned or ended. */
  maintenance?: (change: { id: number; station: string }) => void;
}

export class LiveClient {
  private readonly socket: LiveSocket;
  private stations = new Set<string>();
  private readonly listeners = new Set<LiveListeners>();
  private state: ConnectionState = "connecting";
  private disconnectedAt: number | undefined;
  private failures = 0;

  constructor(url?: string) {
    this.socket = url ? io(url, { transports: ["websocket", "polling"] }) : io({ transports: ["websocket", "polling"] });
    this.socket.on("connect", () => this.onConnect());
    this.socket.on("disconnect", (reason) => {
      this.disconnectedAt ??= Date.now();
      this.setState("reconnecting");
      // socket.io does not reconnect by itself after the server dropped us (e.g. a restart that
      // closes sockets first); a dashboard left open should come back anyway.
      if (reason === "io server disconnect") setTimeout(() => this.socket.connect(), 1_000);
    });
    this.socket.on("connect_error", () => {
      this.failures++;
      if (this.failures >= FAILURES_BEFORE_OFFLINE || this.state === "connecting") this.setState("offline");
    });
    this.socket.on("readings", (batch) => {
      for (const l of this.listeners) l.readings?.(batch);
    });
    this.socket.on("storage", (health) => {
      for (const l of this.listeners) l.storage?.(health);
    });
    this.socket.on("alert", (event) => {
      for (const l of this.listeners) l.alert?.(event);
    });
    this.socket.on("alertUpdated", ({ id }) => {
      for (const l of this.listeners) l.alertUpdated?.(id);
    });
    this.socket.on("catalogChanged", ({ version }) => {
      for (const l of this.listeners) l.catalogChanged?.(version);
    });
    this.socket.on("labResults", (change) => {
      for (const l of this.listeners) l.labResults?.(change);
    });
    this.socket.on("maintenance", (change) => {
      for (const l of this.listeners) l.maintenance?.(change);
    });
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  listen(listeners: LiveListeners): () => void {
    this.listeners.add(listeners);
    listeners.state?.(this.state);
    return () => this.listeners.delete(listeners);
  }

  /** Subscribe to exactly these stations (what the current page shows). */
  setStations(stations: readonly string[]): void {
    const next = new Set(stations);
    const added = [...next].filter((s) => !this.stations.has(s));
    const removed = [...this.stations].filter((s) => !next.has(s));
    this.stations = next;
    if (!this.socket.connected) return; // onConnect subscribes to the whole set.
    if (removed.length > 0) this.socket.emit("unsubscribe", { stations: removed }, () => undefined);
    if (added.length > 0) this.socket.emit("subscribe", { stations: added }, () => undefined);
  }

  close(): void {
    this.socket.close();
  }

  /** Connect again with the browser's current credentials: the server checks them only at the
   * handshake, so a login or logout must start a new connection. */
  reconnect(): void {
    this.socket.disconnect();
    this.socket.connect();
  }

  private onConnect(): void {
    this.failures = 0;
    const missedSince = this.disconnectedAt;
    this.disconnectedAt = undefined;
    const stations = [...this.stations];
    const done = () => {
      this.setState("connected");
      if (missedSince !== undefined) for (const l of this.listeners) l.resync?.(missedSince);
    };
    if (stations.length === 0) return done();
    // Subscribe first, then fetch the gap, so nothing falls between the two.
    this.socket.emit("subscribe", { stations }, () => done());
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const l of this.listeners) l.state?.(state);
  }
}
