// The seam between one instance and several (cluster-link.ts chooses): where accepted readings go,
// where rate-limit counts are kept, how live messages reach other instances' clients, draining.
import type { Store } from "express-rate-limit";
import type { ServerOptions } from "socket.io";
import type { Alerting } from "../alerts/alerting.ts";
import type { Reading } from "../../../common/reading.ts";
import type { IngestEvents } from "../ingest/ingest-events.ts";
import type { LiveHub, LiveServer } from "../live/live-hub.ts";
import type { LiveAccess } from "../live/live-access.ts";
import type { LatestReadings } from "../query/latest-readings.ts";
import type { Leadership } from "./redis-readings.ts";

export type { Leadership };

export interface ClusterParts {
  io: LiveServer;
  events: IngestEvents;
  hub: LiveHub;
  latest: LatestReadings;
  alerting: Pick<Alerting, "engine" | "onEvent">;
  liveAccess: Pick<LiveAccess, "recheck">;
  /** Who judges readings: the alert engine runs on the leader only. */
  leadership: Leadership;
  /**
   * Hands readings to the alert engine (cluster/leader-duties.ts: held while a new leader's engine
   * starts, judged once it has, dropped on an instance that does not lead).
   */
  judge: (readings: readonly Reading[]) => void;
}

export interface ClusterLink {
  /** socket.io's adapter: broadcasts reach every instance's clients. Undefined: this process's. */
  readonly socketAdapter: ServerOptions["adapter"] | undefined;
  /** Counts of the named rate limit shared by every instance; undefined: counted in this process. */
  limitStore(name: string): Store | undefined;
  /** Shutdown has begun: /api/health answers 503 so a load balancer sends nothing new here. */
  draining(): boolean;
  /** Sends accepted readings to live clients, /latest and the alert engine, and alerts to live clients. */
  attach(parts: ClusterParts): Promise<void>;
  /** Someone's rights changed: live connections are checked again here and on every other instance. */
  recheckLive(scope: { userId: number } | "anonymous"): Promise<unknown>;
  /** Shutdown's first step: draining for SHUTDOWN_DRAIN_SECONDS while requests are still answered. */
  drain(): Promise<void>;
  /** After the HTTP server closed: hands on what is unsent, stops the readings stream, closes its connections. */
  close(): Promise<void>;
  /**
   * Last of shutdown, once nothing in this process emits to live clients any more (the alert engine,
   * the lab feed and the leader's duties stopped): closes the connection socket.io's adapter sends
   * through. Closed earlier, a final alert or change announced during shutdown was sent to a closed
   * connection, and the adapter's rejection ended the process (`npm run bench`, cluster benchmark).
   */
  release(): Promise<void>;
}

/** Shutdown's first step, shared by both links: health answers 503 "draining" for `ms`. */
export class Drain {
  active = false;
  constructor(private readonly ms: number) {}

  async start(): Promise<void> {
    if (this.active) return;
    this.active = true;
    if (this.ms > 0) await new Promise((resolve) => setTimeout(resolve, this.ms));
  }
}

